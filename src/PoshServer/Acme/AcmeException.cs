using System.Net;

namespace PoshServer.Acme;

/// <summary>The CA answered with an error: the problem document (RFC 8555 §6.7), and Retry-After when given.</summary>
internal sealed class AcmeException : Exception
{
    public AcmeException(string message)
        : base(message)
    {
        Problem = new AcmeProblem { Detail = message };
    }

    public AcmeException(string message, Exception innerException)
        : base(message, innerException)
    {
        Problem = new AcmeProblem { Detail = message };
    }

    public AcmeException(AcmeProblem problem, HttpStatusCode? statusCode = null, TimeSpan? retryAfter = null)
        : base(problem.Describe())
    {
        Problem = problem;
        StatusCode = statusCode;
        RetryAfter = retryAfter;
    }

    public AcmeException()
        : this("The ACME server reported an error.")
    {
    }

    public AcmeProblem Problem { get; }

    public HttpStatusCode? StatusCode { get; }

    public TimeSpan? RetryAfter { get; }

    public bool IsRateLimited => StatusCode == HttpStatusCode.TooManyRequests || Problem.Is("rateLimited");
}
