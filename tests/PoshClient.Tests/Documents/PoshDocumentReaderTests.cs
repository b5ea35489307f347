using System.Text;
using PoshClient.Documents;

namespace PoshClient.Tests.Documents;

public sealed class PoshDocumentReaderTests
{
    private const string Sha256 = "xR8uzujKEcd17LM1Apmr9Z55oFhhnRK1Si1cLK9jW0I=";
    private const string Sha512 = "kBZ+sEuXuSo+OR1z+pynPdCe2hvRIl4xU3dodHWDPZSj4Ofd/th4TaDYrgnsXe1tZVzGhTiyXnzirFnPIxww6Q==";

    // RFC 7711 §3.1, first example (line-wrapped value joined).
    private const string RfcExample1 = """
        {
          "fingerprints": [
            {
              "sha-256": "4/mggdlVx8A3pvHAWW5sD+qJyMtUHgiRuPjVC48N0XQ=",
              "sha-512": "25N+1hB2Vo42l9lSGqw+n3BKFhDHsyork8ou+D9B43TXeJ1J81mdQEDqm39oR/EHkPBDDG1y5+AG94Kec0xVqA=="
            }
          ],
          "expires": 604800
        }
        """;

    // RFC 7711 §3.1, second example: the first sha-256 is unpadded (43 characters).
    private const string RfcExample2 = """
        {
          "fingerprints": [
            {
              "sha-256": "4/mggdlVx8A3pvHAWW5sD+qJyMtUHgiRuPjVC48N0XQ",
              "sha-512": "25N+1hB2Vo42l9lSGqw+n3BKFhDHsyork8ou+D9B43TXeJ1J81mdQEDqm39oR/EHkPBDDG1y5+AG94Kec0xVqA=="
            },
            {
              "sha-256": "otyLADSKjRDjVpj8X7/hmCAD5C7Qe+PedcmYV7cUncE=",
              "sha-512": "MbBD+ausTGJisEXKSynROWrMfHP2xvBnmI79Pr/KXnDyLN+13Jof8/Uq9fj5HZG8Rk1E2fclcivpGdijUsvHRg=="
            }
          ],
          "expires": 806400
        }
        """;

    // RFC 7711 §3.2 example.
    private const string RfcReference = """
        {
          "url":"https://hosting.example.net/.well-known/posh/spice.json",
          "expires":86400
        }
        """;

    /// <summary>Body, expected kind, expected fragment of the error (malformed) or of a warning (valid), or "".</summary>
    /// <remarks>The kind is boxed: <see cref="PoshDocumentKind"/> is internal, and a public theory cannot take it as a parameter.</remarks>
    public static TheoryData<string, object, string> Cases => new()
    {
        // Valid documents.
        { RfcExample1, PoshDocumentKind.Fingerprints, "" },
        { RfcExample2, PoshDocumentKind.Fingerprints, "" },
        { RfcReference, PoshDocumentKind.Reference, "" },
        { "{\"fingerprints\":[{\"sha-256\":\"" + Sha256 + "\"}],\"expires\":0}", PoshDocumentKind.Fingerprints, "" },
        { "{\"expires\":1,\"fingerprints\":[{\"sha-256\":\"" + Sha256 + "\",\"sha-512\":\"" + Sha512 + "\"}]}", PoshDocumentKind.Fingerprints, "" },
        { "{\"fingerprints\":[{\"sha-256\":\"" + Sha256 + "\"}],\"expires\":3600,\"comment\":{\"nested\":[1,2,{}]}}", PoshDocumentKind.Fingerprints, "" },
        { "{\"fingerprints\":[{\"sha-256\":\"" + Sha256.Replace("+", "\\u002B", StringComparison.Ordinal) + "\"}],\"expires\":3600}", PoshDocumentKind.Fingerprints, "" },
        { "{\"fingerprints\":[{\"sha-1\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAA=\",\"md5\":\"x\",\"sha-256\":\"" + Sha256 + "\"}],\"expires\":3600}", PoshDocumentKind.Fingerprints, "" },
        { "{\"url\":\"https://hoster.example/t/1/xmpp-server.json\",\"expires\":99999999999999999999999999}", PoshDocumentKind.Reference, "" },
        { "\uFEFF" + RfcReference, PoshDocumentKind.Reference, "" },

        // Valid documents with ignored values (warnings).
        { "{\"fingerprints\":[{\"sha-256\":\"" + Sha256.Replace('R', '-') + "\"}],\"expires\":3600}", PoshDocumentKind.Fingerprints, "base64url" },
        { "{\"fingerprints\":[{\"sha-256\":\"" + Sha256.Replace('u', '_') + "\"}],\"expires\":3600}", PoshDocumentKind.Fingerprints, "base64url" },
        { "{\"fingerprints\":[{\"sha-256\":\"" + Sha512 + "\"}],\"expires\":3600}", PoshDocumentKind.Fingerprints, "decodes to 64 bytes" },
        { "{\"fingerprints\":[{\"sha-512\":\"" + Sha256 + "\"}],\"expires\":3600}", PoshDocumentKind.Fingerprints, "decodes to 32 bytes" },
        { "{\"fingerprints\":[{\"sha-256\":\"xR8uzujKEcd17LM1 Apmr9Z55oFhhnRK1Si1cLK9jW0I=\"}],\"expires\":3600}", PoshDocumentKind.Fingerprints, "outside the base64 alphabet" },
        { "{\"fingerprints\":[{\"sha-256\":\"xR8uzujKEcd17LM1Apmr9Z55oFhhnRK1Si1cLK9jW0I===\"}],\"expires\":3600}", PoshDocumentKind.Fingerprints, "padding" },
        { "{\"fingerprints\":[{\"sha-256\":\"xR8=uzujKEcd17LM1Apmr9Z55oFhhnRK1Si1cLK9jW0I\"}],\"expires\":3600}", PoshDocumentKind.Fingerprints, "after '='" },
        { "{\"fingerprints\":[{\"sha-256\":42}],\"expires\":3600}", PoshDocumentKind.Fingerprints, "not a base64 string" },
        { "{\"fingerprints\":[{\"sha-1\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAA=\"}],\"expires\":3600}", PoshDocumentKind.Fingerprints, "cannot match" },
        { "{\"fingerprints\":[{}],\"expires\":3600}", PoshDocumentKind.Fingerprints, "cannot match" },

        // Not a single JSON object.
        { "", PoshDocumentKind.Malformed, "empty" },
        { "[]", PoshDocumentKind.Malformed, "must be a JSON object" },
        { "\"url\"", PoshDocumentKind.Malformed, "must be a JSON object" },
        { "{", PoshDocumentKind.Malformed, "invalid JSON" },
        { RfcReference + " {}", PoshDocumentKind.Malformed, "invalid JSON" },
        { "{/* hi */\"url\":\"https://a.example/x\",\"expires\":1}", PoshDocumentKind.Malformed, "invalid JSON" },
        { "{\"url\":\"https://a.example/x\",\"expires\":1,}", PoshDocumentKind.Malformed, "invalid JSON" },
        { "{\"url\":\"https://a.example/x\",\"expires\":1,\"x\":" + new string('[', 20) + new string(']', 20) + "}", PoshDocumentKind.Malformed, "depth" },

        // Both or neither; duplicates at any level.
        { "{\"url\":\"https://a.example/x\",\"fingerprints\":[{\"sha-256\":\"" + Sha256 + "\"}],\"expires\":1}", PoshDocumentKind.Malformed, "both" },
        { "{\"expires\":1}", PoshDocumentKind.Malformed, "neither" },
        { "{\"url\":\"https://a.example/x\",\"expires\":1,\"expires\":2}", PoshDocumentKind.Malformed, "duplicate member \"expires\"" },
        { "{\"url\":\"https://a.example/x\",\"\\u0075rl\":\"https://b.example/x\",\"expires\":1}", PoshDocumentKind.Malformed, "duplicate member \"url\"" },
        { "{\"fingerprints\":[{\"sha-256\":\"" + Sha256 + "\",\"sha-256\":\"" + Sha256 + "\"}],\"expires\":1}", PoshDocumentKind.Malformed, "in fingerprints[0]" },
        { "{\"url\":\"https://a.example/x\",\"expires\":1,\"x\":[{\"a\":1,\"a\":2}]}", PoshDocumentKind.Malformed, "in x[0]" },

        // expires.
        { "{\"url\":\"https://a.example/x\"}", PoshDocumentKind.Malformed, "no \"expires\"" },
        { "{\"url\":\"https://a.example/x\",\"expires\":-1}", PoshDocumentKind.Malformed, "non-negative" },
        { "{\"url\":\"https://a.example/x\",\"expires\":-0}", PoshDocumentKind.Malformed, "non-negative" },
        { "{\"url\":\"https://a.example/x\",\"expires\":1.5}", PoshDocumentKind.Malformed, "integer literal" },
        { "{\"url\":\"https://a.example/x\",\"expires\":3600.0}", PoshDocumentKind.Malformed, "integer literal" },
        { "{\"url\":\"https://a.example/x\",\"expires\":1e3}", PoshDocumentKind.Malformed, "integer literal" },
        { "{\"url\":\"https://a.example/x\",\"expires\":\"3600\"}", PoshDocumentKind.Malformed, "must be a number" },
        { "{\"url\":\"https://a.example/x\",\"expires\":null}", PoshDocumentKind.Malformed, "must be a number" },
        { "{\"url\":\"https://a.example/x\",\"expires\":true}", PoshDocumentKind.Malformed, "must be a number" },

        // fingerprints.
        { "{\"fingerprints\":[],\"expires\":1}", PoshDocumentKind.Malformed, "at least one descriptor" },
        { "{\"fingerprints\":\"" + Sha256 + "\",\"expires\":1}", PoshDocumentKind.Malformed, "must be an array" },
        { "{\"fingerprints\":[\"" + Sha256 + "\"],\"expires\":1}", PoshDocumentKind.Malformed, "fingerprints[0] must be an object" },
        { "{\"fingerprints\":[{\"sha-256\":\"" + Sha256 + "\"},[]],\"expires\":1}", PoshDocumentKind.Malformed, "fingerprints[1] must be an object" },

        // url.
        { "{\"url\":42,\"expires\":1}", PoshDocumentKind.Malformed, "\"url\" must be a string" },
        { "{\"url\":\"/.well-known/posh/xmpp-server.json\",\"expires\":1}", PoshDocumentKind.Malformed, "absolute https" },
        { "{\"url\":\"http://hosting.example.net/x.json\",\"expires\":1}", PoshDocumentKind.Malformed, "absolute https" },
        { "{\"url\":\"https://user@hosting.example.net/x.json\",\"expires\":1}", PoshDocumentKind.Malformed, "absolute https" },
        { "{\"url\":\"ftp://hosting.example.net/x.json\",\"expires\":1}", PoshDocumentKind.Malformed, "absolute https" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Read_Table_ExpectedKindAndReason(string json, object kind, string expectedFragment)
    {
        var expectedKind = (PoshDocumentKind)kind;

        // Act
        var result = PoshDocumentReader.Read(Encoding.UTF8.GetBytes(json));

        // Assert
        Assert.True(expectedKind == result.Kind, $"expected {expectedKind}, got {result.Kind}: {result.Error}");
        if (expectedKind == PoshDocumentKind.Malformed)
        {
            Assert.Contains(expectedFragment, result.Error, StringComparison.Ordinal);
            Assert.Null(result.Fingerprints);
            Assert.Null(result.Reference);
        }
        else if (expectedFragment.Length == 0)
        {
            Assert.Empty(result.Warnings);
        }
        else
        {
            Assert.Contains(result.Warnings, w => w.Contains(expectedFragment, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Read_RfcUnpaddedExample_DecodesSameBytesAsPadded()
    {
        // Act
        var padded = PoshDocumentReader.Read(Encoding.UTF8.GetBytes(RfcExample1)).Fingerprints!;
        var unpadded = PoshDocumentReader.Read(Encoding.UTF8.GetBytes(RfcExample2)).Fingerprints!;

        // Assert
        Assert.Equal(604800, padded.Expires);
        Assert.Equal(806400, unpadded.Expires);
        Assert.Equal(2, unpadded.Fingerprints.Count);
        Assert.Equal(padded.Fingerprints[0], unpadded.Fingerprints[0]);
        Assert.Equal(32, unpadded.Fingerprints[0].Hashes[PoshHashAlgorithm.Sha256].Length);
        Assert.Equal(64, unpadded.Fingerprints[1].Hashes[PoshHashAlgorithm.Sha512].Length);
    }

    [Fact]
    public void Read_WriterOutput_RoundTrips()
    {
        // Arrange
        var document = new FingerprintsDocument { Fingerprints = [FingerprintDescriptor.FromDer([1, 2, 3])], Expires = 3600 };

        // Act
        var result = PoshDocumentReader.Read(PoshDocumentWriter.Write(document));

        // Assert
        Assert.Equal(PoshDocumentKind.Fingerprints, result.Kind);
        Assert.Equal(document.Fingerprints, result.Fingerprints!.Fingerprints);
        Assert.Equal(3600, result.Fingerprints.Expires);
    }

    [Fact]
    public void Read_HugeExpires_ClampedToLongMax()
    {
        // Act
        var result = PoshDocumentReader.Read("{\"url\":\"https://a.example/x\",\"expires\":123456789012345678901234567890}"u8);

        // Assert
        Assert.Equal(long.MaxValue, result.Reference!.Expires);
    }

    [Theory]
    [InlineData(new byte[] { 0xFF })]
    [InlineData(new byte[] { (byte)'{', (byte)'"', 0xC3, (byte)'"', (byte)':', (byte)'1', (byte)'}' })]
    [InlineData(new byte[] { (byte)'{', (byte)'"', 0xED, 0xA0, 0x80, (byte)'"', (byte)':', (byte)'1', (byte)'}' })]
    public void Read_InvalidUtf8_Malformed(byte[] body)
    {
        // Act
        var result = PoshDocumentReader.Read(body);

        // Assert
        Assert.Equal(PoshDocumentKind.Malformed, result.Kind);
        Assert.Contains("UTF-8", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_EscapedLoneSurrogateName_MalformedNotThrown()
    {
        // Act
        var result = PoshDocumentReader.Read("{\"\\uD800\":1,\"url\":\"https://a.example/x\",\"expires\":1}"u8);

        // Assert
        Assert.Equal(PoshDocumentKind.Malformed, result.Kind);
    }
}
