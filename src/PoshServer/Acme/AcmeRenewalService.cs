using System.Collections.Concurrent;
using System.Net.Security;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using PoshServer.Https;

namespace PoshServer.Acme;

/// <summary>
/// Serves stored certificates at start, then issues missing ones and renews at about 2/3 of their lifetime (with
/// jitter), a few at a time, with per-name exponential backoff that survives restarts. A CA that is down only
/// pushes attempts out; serving never depends on it. Names that leave the source are no longer served or renewed;
/// their files and state stay on disk, so a name that comes back is served again without a new order.
/// </summary>
internal sealed class AcmeRenewalService : BackgroundService
{
    /// <summary>A new certificate is never considered due sooner than this, whatever the CA put in it.</summary>
    private static readonly TimeSpan s_minimumRenewalDelay = TimeSpan.FromHours(1);
    private static readonly TimeSpan s_minimumWait = TimeSpan.FromSeconds(1);
    private readonly AcmeOptions _options;
    private readonly IAcmeNameSource _names;
    private readonly AcmeStorage _storage;
    private readonly AcmeIssuer _issuer;
    private readonly AcmePreflight _preflight;
    private readonly HttpsCertificateStore _certificates;
    private readonly AcmeMetrics _metrics;
    private readonly TimeProvider _timeProvider;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly ILogger<AcmeRenewalService> _logger;
    private readonly ConcurrentDictionary<string, byte> _served = new(StringComparer.OrdinalIgnoreCase);
    private readonly SemaphoreSlim _concurrency;
    private TaskCompletionSource<int> _cycleCompleted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CancellationTokenSource? _wake;
    private int _wakeRequested;
    private int _cycles;
    private int _storedServed;

    public AcmeRenewalService(
        IOptions<AcmeOptions> options,
        IAcmeNameSource names,
        AcmeStorage storage,
        AcmeIssuer issuer,
        AcmePreflight preflight,
        HttpsCertificateStore certificates,
        AcmeMetrics metrics,
        TimeProvider timeProvider,
        IHostApplicationLifetime lifetime,
        ILogger<AcmeRenewalService> logger)
    {
        _options = options.Value;
        _names = names;
        _storage = storage;
        _issuer = issuer;
        _preflight = preflight;
        _certificates = certificates;
        _metrics = metrics;
        _timeProvider = timeProvider;
        _lifetime = lifetime;
        _logger = logger;
        _concurrency = new SemaphoreSlim(_options.MaxConcurrentIssuances);
    }

    /// <summary>Completes when the next scheduling cycle ends, with the count of cycles so far (for tests and diagnostics).</summary>
    internal Task<int> NextCycleAsync() => Volatile.Read(ref _cycleCompleted).Task;

    internal int CompletedCycles => Volatile.Read(ref _cycles);

    /// <summary>Ends the current wait and starts a cycle now.</summary>
    internal void Wake()
    {
        Volatile.Write(ref _wakeRequested, 1);
        try
        {
            Volatile.Read(ref _wake)?.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The wait ended on its own.
        }
    }

    public override void Dispose()
    {
        _concurrency.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled)
        {
            _logger.AcmeDisabled();
            return;
        }

        // Normally done already by the start-up step before Kestrel listens; a host without that step gets it here.
        ServeStoredCertificates();

        // Ordering waits until the server listens: pre-flight and the CA's validation need the challenge responder.
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (_lifetime.ApplicationStarted.Register(static state => ((TaskCompletionSource)state!).TrySetResult(), started))
        await using (stoppingToken.Register(static state => ((TaskCompletionSource)state!).TrySetResult(), started))
        {
            await started.Task;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            var changed = _names.GetChangeToken();
            TimeSpan delay;
            try
            {
                delay = await RunCycleAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Top of the background loop: log, wait, try again; serving goes on with what is installed.
                delay = _options.InitialBackoff;
                _logger.RenewalLoopFailed(delay, ex);
            }

            var count = Interlocked.Increment(ref _cycles);
            Interlocked.Exchange(ref _cycleCompleted, new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously)).SetResult(count);
            await WaitAsync(delay, changed, stoppingToken);
        }
    }

    /// <summary>
    /// Puts every stored certificate into the HTTPS store, once; a restart never re-issues them. The server calls this
    /// before Kestrel listens: since .NET 10 ExecuteAsync runs wholly in the background, so doing it there let the
    /// first handshakes after a restart see a store without them (issue 13).
    /// </summary>
    internal void ServeStoredCertificates()
    {
        if (!_options.Enabled || Interlocked.Exchange(ref _storedServed, 1) == 1)
        {
            return;
        }

        if (_storage.RemoveStaleTempFiles() is var stale and > 0)
        {
            _logger.StaleTempFilesRemoved(stale);
        }

        var now = _timeProvider.GetUtcNow();
        foreach (var name in _names.GetNames())
        {
            ServeStored(name, now);
        }
    }

    /// <summary>One pass over the names: serve what is stored, issue or renew what is due; returns the time until the next due name.</summary>
    internal async Task<TimeSpan> RunCycleAsync(CancellationToken cancellationToken)
    {
        // The responder needs the account key before the first challenge (or pre-flight probe) arrives.
        _storage.GetOrCreateAccountKey();

        var names = _names.GetNames();
        foreach (var removed in _served.Keys.Except(names, StringComparer.OrdinalIgnoreCase))
        {
            _certificates.Remove(removed);
            _served.TryRemove(removed, out _);
            _logger.NameRemoved(removed);
        }

        var now = _timeProvider.GetUtcNow();
        var due = new List<string>();
        foreach (var name in names)
        {
            if (!_served.ContainsKey(name))
            {
                ServeStored(name, now);
            }

            var state = _storage.LoadState(name);
            var dueAt = state is null ? now : _served.ContainsKey(name) ? state.DueAt(now) : state.NextAttempt ?? now;
            if (dueAt <= now)
            {
                due.Add(name);
            }
        }

        await Task.WhenAll(due.Select(name => ProcessAsync(name, cancellationToken)));

        now = _timeProvider.GetUtcNow();
        var next = now + _options.RescanInterval;
        foreach (var name in names)
        {
            if (_storage.LoadState(name) is { } state)
            {
                var dueAt = _served.ContainsKey(name) ? state.DueAt(now) : state.NextAttempt ?? now;
                next = dueAt < next ? dueAt : next;
            }
        }

        var delay = next - now < s_minimumWait ? s_minimumWait : next - now;
        _logger.CycleCompleted(due.Count, delay);
        return delay;
    }

    private void ServeStored(string name, DateTimeOffset now)
    {
        AcmeStoredCertificate? stored;
        try
        {
            stored = _storage.LoadCertificate(name);
        }
        catch (Exception ex) when (ex is IOException or CryptographicException or UnauthorizedAccessException)
        {
            _logger.CertificateUnreadable(name, ex);
            return;
        }

        if (stored is null || stored.Leaf.NotAfter <= now.UtcDateTime)
        {
            return;
        }

        Install(name, stored);
        _logger.CertificateLoaded(name, stored.Leaf.Thumbprint, new DateTimeOffset(stored.Leaf.NotAfter.ToUniversalTime()));

        // The state may predate the stored certificate (killed between installing and recording it): catch up.
        var state = _storage.LoadState(name);
        if (state?.NotAfter != new DateTimeOffset(stored.Leaf.NotAfter.ToUniversalTime()))
        {
            _storage.SaveState(Succeeded(state ?? new AcmeNameState { HostName = name }, stored, now));
        }
    }

    private async Task ProcessAsync(string name, CancellationToken cancellationToken)
    {
        await _concurrency.WaitAsync(cancellationToken);
        try
        {
            if (_options.Preflight)
            {
                var preflight = await _preflight.CheckAsync(name, cancellationToken);
                if (!preflight.Succeeded)
                {
                    var failed = Fail(name, AcmeNameStatus.PreflightFailed, preflight.Reason!, retryAfter: null);
                    _logger.PreflightFailed(name, preflight.Reason!, failed.NextAttempt!.Value);
                    return;
                }
            }

            var certificate = await _issuer.IssueAsync(name, cancellationToken);
            Install(name, certificate);
            var state = Succeeded(_storage.LoadState(name) ?? new AcmeNameState { HostName = name }, certificate, _timeProvider.GetUtcNow());
            _storage.SaveState(state);
            _metrics.CertificateIssued();
            _logger.CertificateIssued(name, certificate.Leaf.Thumbprint, state.NotAfter!.Value, state.RenewAt!.Value);
        }
        catch (AcmeException ex) when (ex.IsRateLimited)
        {
            _metrics.RateLimited();
            var failed = Fail(name, AcmeNameStatus.RateLimited, ex.Problem.Describe(), ex.RetryAfter);
            _logger.RateLimited(name, ex.Problem.Describe(), failed.NextAttempt!.Value);
        }
        catch (Exception ex) when (ex is AcmeException or HttpRequestException or IOException or CryptographicException or UnauthorizedAccessException
                                   || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            var problem = ex switch
            {
                AcmeException acme => acme.Problem.Describe(),
                OperationCanceledException => $"no result within {_options.IssuanceTimeout}",
                _ => ex.Message,
            };
            var failed = Fail(name, AcmeNameStatus.Failed, problem, retryAfter: null);
            _logger.IssuanceFailed(name, failed.FailureCount, problem, failed.NextAttempt!.Value);
        }
        finally
        {
            _concurrency.Release();
        }
    }

    private void Install(string name, AcmeStoredCertificate certificate)
    {
        // One prebuilt context per certificate, intermediates included; the store swaps it in atomically.
        _certificates.Set(name, SslStreamCertificateContext.Create(certificate.Leaf, certificate.Intermediates, offline: true));
        _served[name] = 0;
    }

    private static AcmeNameState Succeeded(AcmeNameState state, AcmeStoredCertificate certificate, DateTimeOffset now)
    {
        var notBefore = new DateTimeOffset(certificate.Leaf.NotBefore.ToUniversalTime());
        var notAfter = new DateTimeOffset(certificate.Leaf.NotAfter.ToUniversalTime());
        var lifetime = notAfter - notBefore;

        // About 2/3 of the lifetime, jittered by ±1/30 of it so renewals of many names spread out.
        var jitterRange = Math.Max(1, lifetime.Ticks / 15);
        var renewAt = notBefore + (lifetime * 2 / 3) + TimeSpan.FromTicks(RandomNumberGenerator.GetInt32(0, (int)Math.Min(jitterRange, int.MaxValue)) - (jitterRange / 2));
        if (renewAt < now + s_minimumRenewalDelay)
        {
            renewAt = now + s_minimumRenewalDelay;
        }

        return state with
        {
            Status = AcmeNameStatus.Valid,
            NotBefore = notBefore,
            NotAfter = notAfter,
            RenewAt = renewAt,
            NextAttempt = null,
            FailureCount = 0,
            LastError = null,
            LastAttempt = now,
            PendingOrderUrl = null,
            CertificateThumbprint = certificate.Leaf.GetCertHashString(HashAlgorithmName.SHA256),
        };
    }

    private AcmeNameState Fail(string name, AcmeNameStatus status, string problem, TimeSpan? retryAfter)
    {
        _metrics.AttemptFailed();
        var now = _timeProvider.GetUtcNow();
        var state = _storage.LoadState(name) ?? new AcmeNameState { HostName = name };
        var failures = state.FailureCount + 1;

        // Exponential backoff, capped; a CA's Retry-After (RFC 8555 §6.6) can only push the next attempt further out.
        var backoffTicks = _options.InitialBackoff.Ticks * Math.Pow(2, Math.Min(failures - 1, 40));
        var backoff = backoffTicks >= _options.MaxBackoff.Ticks ? _options.MaxBackoff : TimeSpan.FromTicks((long)backoffTicks);
        if (retryAfter is { } wait && wait > backoff)
        {
            backoff = wait;
        }

        state = state with
        {
            Status = status,
            FailureCount = failures,
            LastError = problem,
            LastAttempt = now,
            NextAttempt = now + backoff,
        };
        _storage.SaveState(state);
        return state;
    }

    private async Task WaitAsync(TimeSpan delay, IChangeToken changed, CancellationToken stoppingToken)
    {
        using var wake = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        Volatile.Write(ref _wake, wake);
        if (Interlocked.Exchange(ref _wakeRequested, 0) == 1)
        {
            wake.Cancel();
        }

        using (changed.RegisterChangeCallback(static state => ((CancellationTokenSource)state!).Cancel(), wake))
        {
            try
            {
                await Task.Delay(delay, _timeProvider, wake.Token);
            }
            catch (OperationCanceledException)
            {
                // Woken by a name change, Wake(), or shutdown (the loop condition sees that).
            }
        }

        Interlocked.CompareExchange(ref _wake, null, wake);
    }
}
