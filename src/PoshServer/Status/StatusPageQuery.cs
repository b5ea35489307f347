using System.Globalization;
using Microsoft.AspNetCore.WebUtilities;

namespace PoshServer.Status;

/// <summary>
/// What the status page shows, from its query string, so search, filter and paging work server-side without scripts
/// and a page stays small however many tenants there are: <c>q</c> (part of a domain, A- or U-label), <c>state</c>
/// (a <see cref="StatusTenantState"/>), <c>page</c> (from 1), <c>size</c> (rows, 1–500) and <c>tenant</c> (one
/// tenant's view with its findings). Values out of range fall back to the defaults rather than failing.
/// </summary>
internal sealed record StatusPageQuery
{
    public const int DefaultPageSize = 100;

    public const int MaxPageSize = 500;

    public string? Search { get; init; }

    public StatusTenantState? State { get; init; }

    public int Page { get; init; } = 1;

    public int PageSize { get; init; } = DefaultPageSize;

    /// <summary>The tenant whose view is asked for (as typed: matched ignoring case, A- or U-label).</summary>
    public string? Tenant { get; init; }

    public static StatusPageQuery From(IQueryCollection query)
    {
        static string? Text(IQueryCollection query, string key) =>
            query.TryGetValue(key, out var values) && values.ToString().Trim() is { Length: > 0 and <= 253 } text ? text : null;

        static int Number(IQueryCollection query, string key, int fallback, int max) =>
            int.TryParse(Text(query, key), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= 1 && value <= max ? value : fallback;

        return new StatusPageQuery
        {
            Search = Text(query, "q"),
            State = Enum.TryParse<StatusTenantState>(Text(query, "state"), ignoreCase: true, out var state) && Enum.IsDefined(state) ? state : null,
            Page = Number(query, "page", 1, int.MaxValue),
            PageSize = Number(query, "size", DefaultPageSize, MaxPageSize),
            Tenant = Text(query, "tenant"),
        };
    }

    /// <summary>Whether <paramref name="tenant"/> matches the search: part of its A-label or U-label, ignoring case.</summary>
    public bool Matches(StatusTenant tenant)
    {
        if (State is { } state && tenant.State != state)
        {
            return false;
        }

        if (Search is not { } search)
        {
            return true;
        }

        return tenant.Domain.Contains(search, StringComparison.OrdinalIgnoreCase)
            || (tenant.UnicodeDomain?.Contains(search, StringComparison.OrdinalIgnoreCase) ?? false)
            || (StatusDomains.Ascii(search) is { } ascii && tenant.Domain.Contains(ascii, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>A link to this query with some values changed, as a relative URL ("?q=…&amp;page=2"); not yet HTML-encoded.</summary>
    public string Link(int? page = null, StatusTenantState? state = null, bool clearState = false, string? tenant = null)
    {
        var parameters = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (tenant is not null)
        {
            parameters["tenant"] = tenant;
            return QueryHelpers.AddQueryString(string.Empty, parameters);
        }

        if (Search is { } search)
        {
            parameters["q"] = search;
        }

        if ((clearState ? null : state ?? State) is { } s)
        {
            parameters["state"] = s.ToString();
        }

        if (PageSize != DefaultPageSize)
        {
            parameters["size"] = PageSize.ToString(CultureInfo.InvariantCulture);
        }

        if ((page ?? 1) > 1)
        {
            parameters["page"] = page!.Value.ToString(CultureInfo.InvariantCulture);
        }

        return parameters.Count == 0 ? "?" : QueryHelpers.AddQueryString(string.Empty, parameters);
    }
}
