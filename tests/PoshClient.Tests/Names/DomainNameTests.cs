using PoshClient.Names;

namespace PoshClient.Tests.Names;

public sealed class DomainNameTests
{
    [Theory]
    [InlineData("example.com", "example.com")]
    [InlineData("Example.COM", "example.com")]
    [InlineData("example.com.", "example.com")]
    [InlineData("EXAMPLE.com.", "example.com")]
    [InlineData("bücher.example", "xn--bcher-kva.example")]
    [InlineData("BÜCHER.Example.", "xn--bcher-kva.example")]
    [InlineData("xn--bcher-kva.example", "xn--bcher-kva.example")]
    [InlineData("XN--BCHER-KVA.example", "xn--bcher-kva.example")]
    [InlineData("bücher。example", "xn--bcher-kva.example")] // UTS 46 maps the ideographic full stop to '.'
    [InlineData("ｅｘａｍｐｌｅ.com", "example.com")] // … and fullwidth letters to ASCII
    [InlineData("localhost", "localhost")]
    [InlineData("r3---sn-abc.example", "r3---sn-abc.example")] // hyphens inside a label are fine, even in positions 3–4
    [InlineData("1.example", "1.example")]
    public void TryParse_Spellings_ALabelLowerCaseWithoutTrailingDot(string input, string expected)
    {
        // Act
        var ok = DomainName.TryParse(input, out var name, out var error);

        // Assert
        Assert.True(ok, error?.Message);
        Assert.Equal(expected, name!.Value);
    }

    [Fact]
    public void Equality_ULabelAndALabelAnyCaseAndTrailingDot_Equal()
    {
        // Arrange
        string[] spellings = ["bücher.example", "BÜCHER.EXAMPLE.", "xn--bcher-kva.example", "XN--bcher-KVA.Example."];

        // Act
        var names = spellings.Select(s => DomainName.TryParse(s, out var name) ? name : null).ToList();

        // Assert
        Assert.All(names, n => Assert.Equal(names[0], n));
        Assert.Single(names.Distinct());
        Assert.All(spellings, s => Assert.True(DomainName.AreEqual(s, "bücher.example")));
        Assert.False(DomainName.AreEqual("bucher.example", "bücher.example"));
    }

    [Fact]
    public void ToUnicode_IdnName_ULabels()
    {
        // Arrange
        Assert.True(DomainName.TryParse("xn--bcher-kva.example", out var name));

        // Act / Assert
        Assert.Equal("bücher.example", name.ToUnicode());
        Assert.Equal("xn--bcher-kva.example", name.ToString());
    }

    [Theory]
    [InlineData("", nameof(DomainNameErrorKind.Empty))]
    [InlineData(".", nameof(DomainNameErrorKind.Empty))]
    [InlineData(null, nameof(DomainNameErrorKind.Empty))]
    [InlineData("192.0.2.1", nameof(DomainNameErrorKind.IpAddress))]
    [InlineData("2001:db8::1", nameof(DomainNameErrorKind.IpAddress))]
    [InlineData("[2001:db8::1]", nameof(DomainNameErrorKind.IpAddress))]
    [InlineData("a..example", nameof(DomainNameErrorKind.EmptyLabel))]
    [InlineData(".example.com", nameof(DomainNameErrorKind.EmptyLabel))]
    [InlineData("example.com..", nameof(DomainNameErrorKind.EmptyLabel))]
    [InlineData("bücher。。example", nameof(DomainNameErrorKind.EmptyLabel))]
    [InlineData("-bad.example", nameof(DomainNameErrorKind.HyphenAtLabelEdge))]
    [InlineData("bad-.example", nameof(DomainNameErrorKind.HyphenAtLabelEdge))]
    [InlineData("bad_name.example", nameof(DomainNameErrorKind.InvalidCharacter))]
    [InlineData("_xmpp-server._tcp.example.com", nameof(DomainNameErrorKind.InvalidCharacter))] // an SRV owner name is not a host name
    [InlineData("*.example.com", nameof(DomainNameErrorKind.InvalidCharacter))]
    [InlineData("user@example.com", nameof(DomainNameErrorKind.InvalidCharacter))]
    [InlineData("example.com/path", nameof(DomainNameErrorKind.InvalidCharacter))]
    [InlineData("example.com:5222", nameof(DomainNameErrorKind.InvalidCharacter))]
    [InlineData("exa mple.com", nameof(DomainNameErrorKind.InvalidCharacter))]
    [InlineData(" example.com", nameof(DomainNameErrorKind.InvalidCharacter))]
    [InlineData("https://example.com/", nameof(DomainNameErrorKind.InvalidCharacter))]
    [InlineData("xn--a.example", nameof(DomainNameErrorKind.InvalidIdna))]
    [InlineData("xn--zz.example", nameof(DomainNameErrorKind.InvalidIdna))]
    [InlineData("xn--.example", nameof(DomainNameErrorKind.HyphenAtLabelEdge))]
    [InlineData("xn--example-.com", nameof(DomainNameErrorKind.HyphenAtLabelEdge))]
    [InlineData("a\u200Db.example", nameof(DomainNameErrorKind.InvalidIdna))] // ZWJ outside its joining context (RFC 5892 A.2)
    public void TryParse_NotAHostName_FalseWithKind(string? input, string kind)
    {
        // Act
        var ok = DomainName.TryParse(input, out var name, out var error);

        // Assert
        Assert.False(ok);
        Assert.Null(name);
        Assert.Equal(Enum.Parse<DomainNameErrorKind>(kind), error!.Kind);
    }

    [Fact]
    public void TryParse_LabelOf64_LabelTooLongNamingTheLabel()
    {
        // Arrange
        var label = new string('a', 64);

        // Act
        var ok = DomainName.TryParse(label + ".example", out _, out var error);

        // Assert
        Assert.False(ok);
        Assert.Equal(DomainNameErrorKind.LabelTooLong, error!.Kind);
        Assert.Equal(label, error.Label);
    }

    [Fact]
    public void TryParse_ULabelLongerThan63AsALabel_RefusedNamingTheLabel()
    {
        // Arrange: 60 characters as a U-label, more than 63 once Punycode-encoded; ICU refuses such a label as IDNA.
        var label = string.Concat(Enumerable.Repeat("ü", 60));

        // Act
        var ok = DomainName.TryParse(label + ".example", out _, out var error);

        // Assert
        Assert.False(ok);
        Assert.Equal(DomainNameErrorKind.InvalidIdna, error!.Kind);
        Assert.Equal(label, error.Label);
        Assert.Contains("longer than 63 characters as an A-label", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(253, true)]
    [InlineData(254, false)]
    public void TryParse_TotalLength_At253Characters(int length, bool expected)
    {
        // Arrange: labels of 63 characters and a last one that makes up the length.
        var labels = new List<string>();
        var remaining = length;
        while (remaining > 64)
        {
            labels.Add(new string('a', 63));
            remaining -= 64;
        }

        labels.Add(new string('b', remaining));
        var input = string.Join('.', labels);
        Assert.Equal(length, input.Length);

        // Act
        var ok = DomainName.TryParse(input, out _, out var error);
        var withDot = DomainName.TryParse(input + ".", out _);

        // Assert
        Assert.Equal(expected, ok);
        Assert.Equal(expected, withDot); // the root's dot does not count
        if (!expected)
        {
            Assert.Equal(DomainNameErrorKind.TooLong, error!.Kind);
        }
    }

    [Fact]
    public void TryParse_ULabelsLongerThan253AsALabels_TooLong()
    {
        // Arrange: seven labels of 12 CJK characters: 90 characters as typed, each label under 63 as an A-label,
        // but more than 253 in all once Punycode-encoded.
        const string label = "漢字仮名交書文日本語中国";
        var input = string.Join('.', Enumerable.Repeat(label, 7));
        var aLabel = new System.Globalization.IdnMapping().GetAscii(label);

        // Act
        var ok = DomainName.TryParse(input, out _, out var error);

        // Assert
        Assert.True(input.Length < 253);
        Assert.True(aLabel.Length <= 63, aLabel);
        Assert.True((aLabel.Length * 7) + 6 > 253, aLabel);
        Assert.False(ok);
        Assert.Equal(DomainNameErrorKind.TooLong, error!.Kind);
    }

    [Fact]
    public void TryParseQualified_SingleLabel_SingleLabelError()
    {
        // Act
        var ok = DomainName.TryParseQualified("localhost", out var name, out var error);

        // Assert
        Assert.False(ok);
        Assert.Null(name);
        Assert.Equal(DomainNameErrorKind.SingleLabel, error!.Kind);
        Assert.Equal("'localhost' has a single label; a fully qualified name like example.com is needed", error.Message);
        Assert.True(DomainName.TryParseQualified("Bücher.example.", out var qualified));
        Assert.Equal("xn--bcher-kva.example", qualified.Value);
    }

    [Fact]
    public void Error_Message_NamesInputAndReason()
    {
        // Act
        Assert.False(DomainName.TryParse("bad_domain", out _, out var error));
        Assert.False(DomainName.TryParse("", out _, out var empty));

        // Assert
        Assert.Equal("bad_domain", error.Input);
        Assert.StartsWith("'bad_domain' is not a valid domain name", error.Message, StringComparison.Ordinal);
        Assert.Contains("'_'", error.Message, StringComparison.Ordinal);
        Assert.Equal("the domain name is empty", empty.Message);
    }

    [Fact]
    public void Parse_NotAHostName_ArgumentExceptionNamingParameterAndReason()
    {
        // Act
        var exception = Assert.Throws<ArgumentException>(() => DomainName.Parse("a..example", "domain"));

        // Assert
        Assert.Equal("domain", exception.ParamName);
        Assert.Contains("empty label", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("example.com", true)]
    [InlineData("xn--bcher-kva.example", true)]
    [InlineData("Example.com", false)]
    [InlineData("example.com.", false)]
    [InlineData("bücher.example", false)]
    [InlineData("bad name", false)]
    public void IsNormalized_Table(string value, bool expected) => Assert.Equal(expected, DomainName.IsNormalized(value));

    [Theory]
    [InlineData("t12345.bench.test", true)]
    [InlineData("example.com.", true)]
    [InlineData("localhost", true)]
    [InlineData("Example.com", false)] // upper case: the full path lowers it
    [InlineData("xn--bcher-kva.example", false)] // an A-label: the full path checks it decodes
    [InlineData("r3---sn-abc.example", false)] // hyphens in places 3–4: left to IDNA
    [InlineData("1.2.3.4", false)]
    [InlineData("10.0.0.0x7f", false)]
    [InlineData("example.123", false)]
    [InlineData("-a.example", false)]
    [InlineData("a..example", false)]
    [InlineData("bücher.example", false)]
    [InlineData("", false)]
    [InlineData(".", false)]
    public void IsPlainLowercaseHostName_Table(string input, bool expected) => Assert.Equal(expected, DomainName.IsPlainLowercaseHostName(input));

    [Fact]
    public void IsPlainLowercaseHostName_RandomInputs_FullPathGivesTheSameName()
    {
        // Arrange: names from an alphabet weighted towards what the fast path decides on (edges of labels, digits,
        // hyphens, dots, "0x"), plus characters it must leave to the full path.
        var random = new Random(7711);
        const string alphabet = "abcxyz0123456789----....xn0xAZ_ üß。";
        var decided = 0;

        for (var n = 0; n < 50_000; n++)
        {
            var length = random.Next(1, n % 100 == 0 ? 300 : 24);
            var input = new string([.. Enumerable.Range(0, length).Select(_ => alphabet[random.Next(alphabet.Length)])]);

            // Act
            if (!DomainName.IsPlainLowercaseHostName(input))
            {
                continue;
            }

            decided++;
            var full = DomainName.TryNormalizeFully(input, out var value, out var error);

            // Assert
            Assert.True(full, $"'{input}': the fast path accepts what the full path refuses: {error?.Message}");
            Assert.Equal(input.TrimEnd('.'), value);
        }

        Assert.True(decided > 1000, $"only {decided} inputs took the fast path");
    }
}
