using Microsoft.Extensions.Primitives;

namespace PoshServer.Acme;

/// <summary>The host names ACME may certify, and a token that fires when they change. Never fed from SNI.</summary>
internal interface IAcmeNameSource
{
    IReadOnlyCollection<string> GetNames();

    IChangeToken GetChangeToken();
}
