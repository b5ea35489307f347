using System.Globalization;
using System.Text;

namespace PoshClient.Xmpp;

/// <summary>
/// A minimal streaming reader for the restricted XML of RFC 6120 §11: the stream header, then one top-level
/// element at a time. It reads the socket one byte at a time so it never consumes bytes past the element it
/// returns; after <c>&lt;proceed/&gt;</c> the next bytes on the wire belong to TLS (RFC 6120 §5.4.3.3), and after
/// the features the caller's SASL layer reads on. XmlReader buffers ahead and cannot give that guarantee.
/// Comments, processing instructions after the declaration, DTDs and entity declarations are refused (§11.1).
/// </summary>
internal sealed class XmppXmlReader
{
    private const int MaxDepth = 32;
    private const int MaxElementBytes = 256 * 1024;
    private static readonly UTF8Encoding s_utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly Stream _stream;
    private readonly byte[] _one = new byte[1];
    private readonly List<byte> _scratch = [];
    private Dictionary<string, string> _streamScope = new(StringComparer.Ordinal) { ["xml"] = XmppNamespaces.Xml };
    private string? _streamTagName;
    private int _pushback = -1;
    private int _budget = MaxElementBytes;

    public XmppXmlReader(Stream stream)
    {
        _stream = stream;
    }

    /// <summary>Reads the optional XML declaration and the stream's opening tag.</summary>
    public async Task<XmppStreamHeader> ReadStreamHeaderAsync(CancellationToken cancellationToken)
    {
        _budget = MaxElementBytes;
        while (true)
        {
            var token = await ReadTokenAsync(cancellationToken).ConfigureAwait(false);
            switch (token.Kind)
            {
                case TokenKind.Text when string.IsNullOrWhiteSpace(token.Text):
                case TokenKind.Declaration:
                    continue;
                case TokenKind.StartTag:
                    var scope = Scope(_streamScope, token.Attributes);
                    var (prefix, local) = Split(token.Name);
                    if (!string.Equals(local, "stream", StringComparison.Ordinal) || !string.Equals(Resolve(scope, prefix, token.Name), XmppNamespaces.Streams, StringComparison.Ordinal))
                    {
                        throw new XmppProtocolException($"expected a stream header, got <{token.Name}>");
                    }

                    if (token.SelfClosing)
                    {
                        throw new XmppProtocolException("the peer opened and closed the stream at once");
                    }

                    _streamScope = scope;
                    _streamTagName = token.Name;
                    return new XmppStreamHeader
                    {
                        Id = Attr(token, "id"),
                        From = Attr(token, "from"),
                        Version = Attr(token, "version"),
                        DefaultNamespace = scope.GetValueOrDefault(string.Empty, string.Empty),
                    };
                default:
                    throw new XmppProtocolException($"expected a stream header, got {Describe(token)}");
            }
        }
    }

    /// <summary>Reads the next complete top-level element (whitespace keep-alives between elements are skipped).</summary>
    public async Task<XmppElement> ReadElementAsync(CancellationToken cancellationToken)
    {
        _budget = MaxElementBytes;
        while (true)
        {
            var token = await ReadTokenAsync(cancellationToken).ConfigureAwait(false);
            switch (token.Kind)
            {
                case TokenKind.Text when string.IsNullOrWhiteSpace(token.Text):
                    continue;
                case TokenKind.EndTag when string.Equals(token.Name, _streamTagName, StringComparison.Ordinal):
                    throw new XmppProtocolException("the peer closed the stream (</stream:stream>)");
                case TokenKind.StartTag:
                    return await BuildAsync(token, _streamScope, 1, cancellationToken).ConfigureAwait(false);
                default:
                    throw new XmppProtocolException($"unexpected {Describe(token)} at stream level");
            }
        }
    }

    private async Task<XmppElement> BuildAsync(Token start, Dictionary<string, string> parentScope, int depth, CancellationToken cancellationToken)
    {
        if (depth > MaxDepth)
        {
            throw new XmppProtocolException("elements nested too deeply");
        }

        var scope = Scope(parentScope, start.Attributes);
        var (prefix, local) = Split(start.Name);
        var element = new XmppElement
        {
            LocalName = local,
            Namespace = Resolve(scope, prefix, start.Name),
            Attributes = start.Attributes.Where(a => !IsNamespaceDeclaration(a.Key)).ToDictionary(a => a.Key, a => a.Value, StringComparer.Ordinal),
        };
        if (start.SelfClosing)
        {
            return element;
        }

        var text = new StringBuilder();
        while (true)
        {
            var token = await ReadTokenAsync(cancellationToken).ConfigureAwait(false);
            switch (token.Kind)
            {
                case TokenKind.Text:
                    text.Append(token.Text);
                    break;
                case TokenKind.StartTag:
                    element.Children.Add(await BuildAsync(token, scope, depth + 1, cancellationToken).ConfigureAwait(false));
                    break;
                case TokenKind.EndTag when string.Equals(token.Name, start.Name, StringComparison.Ordinal):
                    element.Text = text.ToString();
                    return element;
                default:
                    throw new XmppProtocolException($"malformed XML: {Describe(token)} inside <{start.Name}>");
            }
        }
    }

    private async Task<Token> ReadTokenAsync(CancellationToken cancellationToken)
    {
        var first = await ReadByteAsync(cancellationToken).ConfigureAwait(false);
        if (first != '<')
        {
            _scratch.Clear();
            var b = first;
            while (b != '<')
            {
                _scratch.Add((byte)b);
                b = await ReadByteAsync(cancellationToken).ConfigureAwait(false);
            }

            _pushback = '<';
            return new Token(TokenKind.Text, string.Empty, DecodeEntities(Decode()), [], SelfClosing: false);
        }

        var next = await ReadByteAsync(cancellationToken).ConfigureAwait(false);
        switch (next)
        {
            case '?':
                var declaration = await ReadUntilAsync("?>", cancellationToken).ConfigureAwait(false);
                if (!declaration.StartsWith("xml", StringComparison.Ordinal) || _streamTagName is not null)
                {
                    throw new XmppProtocolException("processing instructions are not allowed in XMPP (RFC 6120 §11.1)");
                }

                return new Token(TokenKind.Declaration, string.Empty, string.Empty, [], SelfClosing: false);
            case '!':
                var rest = await ReadUntilAsync(">", cancellationToken).ConfigureAwait(false);
                if (rest.StartsWith("[CDATA[", StringComparison.Ordinal))
                {
                    var cdata = rest[7..];
                    while (!cdata.EndsWith("]]", StringComparison.Ordinal))
                    {
                        cdata += ">" + await ReadUntilAsync(">", cancellationToken).ConfigureAwait(false);
                    }

                    return new Token(TokenKind.Text, string.Empty, cdata[..^2], [], SelfClosing: false);
                }

                throw new XmppProtocolException("comments and DTDs are not allowed in XMPP (RFC 6120 §11.1)");
            case '/':
                var name = (await ReadUntilAsync(">", cancellationToken).ConfigureAwait(false)).Trim();
                return new Token(TokenKind.EndTag, name, string.Empty, [], SelfClosing: false);
            default:
                _pushback = next;
                return await ReadStartTagAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<Token> ReadStartTagAsync(CancellationToken cancellationToken)
    {
        var name = await ReadNameAsync(cancellationToken).ConfigureAwait(false);
        var attributes = new List<KeyValuePair<string, string>>();
        while (true)
        {
            var b = await SkipWhitespaceAsync(cancellationToken).ConfigureAwait(false);
            if (b == '>')
            {
                return new Token(TokenKind.StartTag, name, string.Empty, attributes, SelfClosing: false);
            }

            if (b == '/')
            {
                if (await ReadByteAsync(cancellationToken).ConfigureAwait(false) != '>')
                {
                    throw new XmppProtocolException($"malformed XML: '/' not followed by '>' in <{name}>");
                }

                return new Token(TokenKind.StartTag, name, string.Empty, attributes, SelfClosing: true);
            }

            _pushback = b;
            var attributeName = await ReadNameAsync(cancellationToken).ConfigureAwait(false);
            if (await SkipWhitespaceAsync(cancellationToken).ConfigureAwait(false) != '=')
            {
                throw new XmppProtocolException($"malformed XML: attribute '{attributeName}' of <{name}> has no value");
            }

            var quote = await SkipWhitespaceAsync(cancellationToken).ConfigureAwait(false);
            if (quote is not ('"' or '\''))
            {
                throw new XmppProtocolException($"malformed XML: attribute '{attributeName}' of <{name}> is not quoted");
            }

            _scratch.Clear();
            for (var c = await ReadByteAsync(cancellationToken).ConfigureAwait(false); c != quote; c = await ReadByteAsync(cancellationToken).ConfigureAwait(false))
            {
                if (c == '<')
                {
                    throw new XmppProtocolException($"malformed XML: '<' in attribute '{attributeName}'");
                }

                _scratch.Add((byte)c);
            }

            if (attributes.Exists(a => string.Equals(a.Key, attributeName, StringComparison.Ordinal)))
            {
                throw new XmppProtocolException($"malformed XML: duplicate attribute '{attributeName}' in <{name}>");
            }

            attributes.Add(new(attributeName, DecodeEntities(Decode())));
        }
    }

    private async Task<string> ReadNameAsync(CancellationToken cancellationToken)
    {
        _scratch.Clear();
        while (true)
        {
            var b = await ReadByteAsync(cancellationToken).ConfigureAwait(false);
            if (b is ' ' or '\t' or '\r' or '\n' or '>' or '/' or '=')
            {
                _pushback = b;
                break;
            }

            if (b is '<' or '"' or '\'' or '&')
            {
                throw new XmppProtocolException($"malformed XML: unexpected '{(char)b}' in a name");
            }

            _scratch.Add((byte)b);
        }

        return _scratch.Count > 0 ? Decode() : throw new XmppProtocolException("malformed XML: empty name");
    }

    private async Task<int> SkipWhitespaceAsync(CancellationToken cancellationToken)
    {
        int b;
        do
        {
            b = await ReadByteAsync(cancellationToken).ConfigureAwait(false);
        }
        while (b is ' ' or '\t' or '\r' or '\n');
        return b;
    }

    private async Task<string> ReadUntilAsync(string terminator, CancellationToken cancellationToken)
    {
        _scratch.Clear();
        while (true)
        {
            _scratch.Add((byte)await ReadByteAsync(cancellationToken).ConfigureAwait(false));
            if (EndsWith(terminator))
            {
                _scratch.RemoveRange(_scratch.Count - terminator.Length, terminator.Length);
                return Decode();
            }
        }
    }

    private bool EndsWith(string terminator)
    {
        if (_scratch.Count < terminator.Length)
        {
            return false;
        }

        for (var i = 0; i < terminator.Length; i++)
        {
            if (_scratch[_scratch.Count - terminator.Length + i] != terminator[i])
            {
                return false;
            }
        }

        return true;
    }

    private async ValueTask<int> ReadByteAsync(CancellationToken cancellationToken)
    {
        if (_pushback >= 0)
        {
            var b = _pushback;
            _pushback = -1;
            return b;
        }

        if (--_budget < 0)
        {
            throw new XmppProtocolException(string.Create(CultureInfo.InvariantCulture, $"an element exceeded {MaxElementBytes} bytes"));
        }

        var read = await _stream.ReadAsync(_one.AsMemory(0, 1), cancellationToken).ConfigureAwait(false);
        return read == 1 ? _one[0] : throw new XmppProtocolException("the peer closed the connection");
    }

    private string Decode()
    {
        try
        {
            return s_utf8.GetString([.. _scratch]);
        }
        catch (DecoderFallbackException ex)
        {
            throw new XmppProtocolException("malformed XML: invalid UTF-8", ex);
        }
    }

    private static string DecodeEntities(string value)
    {
        if (!value.Contains('&', StringComparison.Ordinal))
        {
            return value;
        }

        var result = new StringBuilder(value.Length);
        var i = 0;
        while (i < value.Length)
        {
            if (value[i] != '&')
            {
                result.Append(value[i++]);
                continue;
            }

            var end = value.IndexOf(';', i);
            if (end < 0)
            {
                throw new XmppProtocolException("malformed XML: unterminated entity reference");
            }

            var entity = value[(i + 1)..end];
            result.Append(entity switch
            {
                "lt" => "<",
                "gt" => ">",
                "amp" => "&",
                "quot" => "\"",
                "apos" => "'",
                _ when entity.StartsWith("#x", StringComparison.Ordinal) && int.TryParse(entity.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex) => char.ConvertFromUtf32(hex),
                _ when entity.StartsWith('#') && int.TryParse(entity.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var dec) => char.ConvertFromUtf32(dec),
                _ => throw new XmppProtocolException($"malformed XML: unknown entity '&{entity};' (RFC 6120 §11.1 forbids entity declarations)"),
            });
            i = end + 1;
        }

        return result.ToString();
    }

    private static Dictionary<string, string> Scope(Dictionary<string, string> parent, IReadOnlyList<KeyValuePair<string, string>> attributes)
    {
        if (!attributes.Any(a => IsNamespaceDeclaration(a.Key)))
        {
            return parent;
        }

        var scope = new Dictionary<string, string>(parent, StringComparer.Ordinal);
        foreach (var (key, value) in attributes)
        {
            if (string.Equals(key, "xmlns", StringComparison.Ordinal))
            {
                scope[string.Empty] = value;
            }
            else if (key.StartsWith("xmlns:", StringComparison.Ordinal))
            {
                scope[key[6..]] = value;
            }
        }

        return scope;
    }

    private static bool IsNamespaceDeclaration(string name) =>
        string.Equals(name, "xmlns", StringComparison.Ordinal) || name.StartsWith("xmlns:", StringComparison.Ordinal);

    private static (string Prefix, string Local) Split(string name)
    {
        var colon = name.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? (string.Empty, name) : (name[..colon], name[(colon + 1)..]);
    }

    private static string Resolve(Dictionary<string, string> scope, string prefix, string name) =>
        scope.TryGetValue(prefix, out var ns) ? ns
        : prefix.Length == 0 ? string.Empty
        : throw new XmppProtocolException($"malformed XML: undeclared namespace prefix in <{name}>");

    private static string? Attr(Token token, string name) =>
        token.Attributes.FirstOrDefault(a => string.Equals(a.Key, name, StringComparison.Ordinal)).Value;

    private static string Describe(Token token) => token.Kind switch
    {
        TokenKind.Text => "text '" + (token.Text.Length > 40 ? token.Text[..40] + "…" : token.Text) + "'",
        TokenKind.EndTag => "</" + token.Name + ">",
        TokenKind.StartTag => "<" + token.Name + ">",
        _ => "an XML declaration",
    };

    private enum TokenKind
    {
        Text,
        StartTag,
        EndTag,
        Declaration,
    }

    private sealed record Token(TokenKind Kind, string Name, string Text, IReadOnlyList<KeyValuePair<string, string>> Attributes, bool SelfClosing);
}
