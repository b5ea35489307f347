namespace PoshClient.Xmpp;

/// <summary>A parsed element with resolved namespaces; enough for stream features, STARTTLS answers and stream errors.</summary>
internal sealed class XmppElement
{
    public required string LocalName { get; init; }

    public required string Namespace { get; init; }

    /// <summary>Attributes by their name as written (e.g. <c>xml:lang</c>), namespace declarations excluded.</summary>
    public required IReadOnlyDictionary<string, string> Attributes { get; init; }

    public List<XmppElement> Children { get; } = [];

    public string Text { get; set; } = string.Empty;

    public bool Is(string localName, string ns) =>
        string.Equals(LocalName, localName, StringComparison.Ordinal) && string.Equals(Namespace, ns, StringComparison.Ordinal);

    public XmppElement? Child(string localName, string ns) => Children.Find(c => c.Is(localName, ns));

    public string? Attribute(string name) => Attributes.TryGetValue(name, out var value) ? value : null;

    public override string ToString() => "{" + Namespace + "}" + LocalName;
}
