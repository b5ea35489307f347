namespace PoshClient.Names;

/// <summary>Why <see cref="DomainName.TryParse(string?, out DomainName?, out DomainNameError?)"/> refused a text: the kind, the offending label if any, and a sentence for operators.</summary>
internal sealed record DomainNameError
{
    public required DomainNameErrorKind Kind { get; init; }

    /// <summary>The text as given.</summary>
    public required string Input { get; init; }

    /// <summary>The label at fault, when one is.</summary>
    public string? Label { get; init; }

    /// <summary>What is wrong, worded to follow the quoted input, e.g. "is not a valid domain name: it has an empty label".</summary>
    public required string Reason { get; init; }

    /// <summary>"'input' reason", for messages that name the value.</summary>
    public string Message => Input.Length == 0 ? "the domain name is empty" : $"'{Input}' {Reason}";

    public override string ToString() => Message;
}
