using System.Collections.Concurrent;
using System.Net.Security;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using PoshServer.Cluster;
using PoshServer.Https;

namespace PoshServer.Acme;

/// <summary>
/// Serves stored certificates at start, then issues missing ones and renews at about 2/3 of their lifetime (with
/// jitter), a few at a time, with per-name exponential backoff that survives restarts. A CA that is down only
/// pushes attempts out; serving never depends on it. Names that leave the source are no longer served or renewed;
/// their files and state stay on disk, so a name that comes back is served again without a new order.
/// In a cluster (a shared <see cref="IClusterStore"/>) one replica issues each name: it takes the name's lock and
/// re-reads the state under it (as CertMagic does), and the others install what it stored when the store tells them
/// something changed. A replica cut off from the store keeps serving what it has and waits.
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
    private readonly ClusterOptions _cluster;

    // Per served name, the sha-256 thumbprint of the installed certificate (compared with the stored state's).
    private readonly ConcurrentDictionary<string, string> _served = new(StringComparer.OrdinalIgnoreCase);
    private readonly SemaphoreSlim _concurrency;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _busyElsewhere = new(StringComparer.OrdinalIgnoreCase);
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
        IOptions<ClusterOptions> cluster,
        ILogger<AcmeRenewalService> logger)
    {
        _cluster = cluster.Value;
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

    /// <summary>The served names with the sha-256 thumbprint of each certificate (for the replica's heartbeat).</summary>
    internal IReadOnlyDictionary<string, string> Served => new SortedDictionary<string, string>(_served, StringComparer.Ordinal);

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
        await ServeStoredCertificatesAsync(stoppingToken);

        // Ordering waits until the server listens: pre-flight and the CA's validation need the challenge responder.
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (_lifetime.ApplicationStarted.Register(static state => ((TaskCompletionSource)state!).TrySetResult(), started))
        await using (stoppingToken.Register(static state => ((TaskCompletionSource)state!).TrySetResult(), started))
        {
            await started.Task;
        }

        // In a cluster, certificates other replicas obtain are installed as soon as the store says so, whatever this
        // replica's own issuance loop is doing.
        var sync = _storage.Store.IsShared ? SyncLoopAsync(stoppingToken) : Task.CompletedTask;
        await RenewLoopAsync(stoppingToken);
        await sync;
    }

    private async Task RenewLoopAsync(CancellationToken stoppingToken)
    {
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
            catch (ClusterStoreException ex)
            {
                // The store is unreachable: keep serving, look again soon (the listener also wakes us when it returns).
                delay = _cluster.PollInterval;
                _logger.StoreUnavailable("(all)", ex.Message);
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
    internal async Task ServeStoredCertificatesAsync(CancellationToken cancellationToken)
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
        try
        {
            // One request for every stored item, whatever the number of names (most may have nothing stored yet).
            await _storage.RefreshStatesAsync(cancellationToken);
            var stored = await _storage.LoadAllCertificatesAsync(cancellationToken);
            foreach (var name in _names.GetNames())
            {
                if (stored.TryGetValue(name, out var certificate))
                {
                    await ServeStoredAsync(name, now, held: null, catchUpState: true, cancellationToken, certificate);
                }
            }
        }
        catch (ClusterStoreException ex)
        {
            // Nothing stored can be read now; the renewal cycles retry until the store answers.
            _logger.StoreUnavailable("(all)", ex.Message);
        }
    }

    /// <summary>One pass over the names: serve what is stored, issue or renew what is due; returns the time until the next due name.</summary>
    internal async Task<TimeSpan> RunCycleAsync(CancellationToken cancellationToken)
    {
        // The responder needs the account key before the first challenge (or pre-flight probe) arrives.
        await _storage.GetOrCreateAccountKeyAsync(cancellationToken);

        // A shared store: every state in one request, so names other replicas issued are served here too.
        await _storage.RefreshStatesAsync(cancellationToken);
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
            var state = await StateAsync(name, cancellationToken);
            // A shared store: only a state that names a certificate means there is one to read (one request per such
            // name, not per configured name); a chain stored without its state is found under the lock (ProcessAsync).
            var unserved = !_served.TryGetValue(name, out var served) && (!_storage.Store.IsShared || state?.CertificateThumbprint is not null);
            if (unserved || (state?.CertificateThumbprint is { } stored && !string.Equals(stored, served, StringComparison.OrdinalIgnoreCase)))
            {
                await ServeStoredAsync(name, now, held: null, catchUpState: true, cancellationToken);
                state = await StateAsync(name, cancellationToken);
            }

            if (DueAt(name, state, now) <= now)
            {
                due.Add(name);
            }
        }

        await Task.WhenAll(due.Select(name => ProcessAsync(name, cancellationToken)));

        now = _timeProvider.GetUtcNow();
        var next = now + _options.RescanInterval;
        foreach (var name in names)
        {
            if (await StateAsync(name, cancellationToken) is { } state)
            {
                var dueAt = DueAt(name, state, now);
                next = dueAt < next ? dueAt : next;
            }
        }

        // In a cluster another replica's work shows up through the store's change token; this only bounds the wait.
        if (_storage.Store.IsShared && next > now + _cluster.PollInterval)
        {
            next = now + _cluster.PollInterval;
        }

        var delay = next - now < s_minimumWait && !_storage.Store.IsShared ? s_minimumWait : next - now;
        delay = delay < TimeSpan.FromMilliseconds(100) ? TimeSpan.FromMilliseconds(100) : delay;
        _logger.CycleCompleted(due.Count, delay);
        return delay;
    }

    // Files: read once, then from memory. A shared store: what the latest refresh (or our own write) brought.
    private async Task<AcmeNameState?> StateAsync(string name, CancellationToken cancellationToken) =>
        _storage.Store.IsShared ? _storage.GetCachedState(name) : await _storage.LoadStateAsync(name, cancellationToken);

    private DateTimeOffset DueAt(string name, AcmeNameState? state, DateTimeOffset now)
    {
        if (state is null)
        {
            return now;
        }

        var dueAt = _served.ContainsKey(name) ? state.DueAt(now) : state.NextAttempt ?? now;

        // Another replica holds this name's order: look again once its lock could have expired.
        if (_storage.Store.IsShared && _busyElsewhere.TryGetValue(name, out var retry) && retry > dueAt)
        {
            dueAt = retry;
        }

        return dueAt;
    }

    private async Task SyncLoopAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var changed = _storage.Store.GetChangeToken();
            try
            {
                await _storage.RefreshStatesAsync(stoppingToken);
                var now = _timeProvider.GetUtcNow();
                foreach (var name in _names.GetNames())
                {
                    if (_storage.GetCachedState(name)?.CertificateThumbprint is { } stored
                        && (!_served.TryGetValue(name, out var served) || !string.Equals(stored, served, StringComparison.OrdinalIgnoreCase)))
                    {
                        await ServeStoredAsync(name, now, held: null, catchUpState: false, stoppingToken);
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (ClusterStoreException)
            {
                // Logged by the store; serving goes on with what is installed.
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Top of the background loop (issue 14): log, keep serving what is installed, look again next poll.
                _logger.SyncLoopFailed(_cluster.PollInterval, ex);
            }

            await WaitAsync(_cluster.PollInterval, changed, stoppingToken, wakeable: false);
        }
    }

    private async Task ServeStoredAsync(string name, DateTimeOffset now, IClusterLock? held, bool catchUpState, CancellationToken cancellationToken, AcmeStoredCertificate? preloaded = null)
    {
        AcmeStoredCertificate? stored;
        try
        {
            stored = preloaded ?? await _storage.LoadCertificateAsync(name, cancellationToken);
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

        var peer = _served.ContainsKey(name);
        Install(name, stored);
        if (peer)
        {
            _logger.CertificateFromPeer(name, stored.Leaf.GetCertHashString(HashAlgorithmName.SHA256));
        }
        else
        {
            _logger.CertificateLoaded(name, stored.Leaf.GetCertHashString(HashAlgorithmName.SHA256), new DateTimeOffset(stored.Leaf.NotAfter.ToUniversalTime()));
        }

        // The state may predate the stored certificate (killed between installing and recording it): catch up.
        if (!catchUpState)
        {
            return;
        }

        // At start-up the states were all just read in one request; a shared store is not asked again per name.
        var state = preloaded is not null && _storage.Store.IsShared ? _storage.GetCachedState(name) : await _storage.LoadStateAsync(name, cancellationToken);
        if (state?.NotAfter != new DateTimeOffset(stored.Leaf.NotAfter.ToUniversalTime()))
        {
            if (held is not null)
            {
                await _storage.SaveStateAsync(Succeeded(state ?? new AcmeNameState { HostName = name }, stored, now), held, cancellationToken);
                return;
            }

            await using var lease = await _storage.Store.TryLockAsync(LockName(name), cancellationToken);
            if (lease is not null)
            {
                await _storage.SaveStateAsync(Succeeded(state ?? new AcmeNameState { HostName = name }, stored, now), lease, cancellationToken);
            }
        }
    }

    private static string LockName(string name) => "acme/" + name;

    private async Task ProcessAsync(string name, CancellationToken cancellationToken)
    {
        await _concurrency.WaitAsync(cancellationToken);
        IClusterLock? lease = null;
        try
        {
            lease = await _storage.Store.TryLockAsync(LockName(name), cancellationToken);
            if (lease is null)
            {
                // Another replica is on it; its result arrives through the store.
                _busyElsewhere[name] = _timeProvider.GetUtcNow() + _cluster.LockTtl;
                _logger.NameLockedElsewhere(name);
                return;
            }

            _busyElsewhere.TryRemove(name, out _);

            // Re-check under the lock: the replica that held it before may have finished the name meanwhile.
            var now = _timeProvider.GetUtcNow();
            var state = await _storage.LoadStateAsync(name, cancellationToken);
            // A chain may also be stored without a state naming it (its installer was killed before recording it).
            if ((state?.CertificateThumbprint is { } thumbprint && (!_served.TryGetValue(name, out var served) || !string.Equals(served, thumbprint, StringComparison.OrdinalIgnoreCase)))
                || (state?.CertificateThumbprint is null && _storage.Store.IsShared && !_served.ContainsKey(name)))
            {
                await ServeStoredAsync(name, now, lease, catchUpState: true, cancellationToken);
                state = await _storage.LoadStateAsync(name, cancellationToken);
            }

            if (DueAt(name, state, now) > now)
            {
                return;
            }

            await IssueAsync(name, lease, cancellationToken);
        }
        catch (ClusterStoreException ex)
        {
            // Not a failure of the name: nothing could be recorded, so the next cycle picks up where the store is.
            _logger.StoreUnavailable(name, ex.Message);
        }
        finally
        {
            if (lease is not null)
            {
                await lease.DisposeAsync();
            }

            _concurrency.Release();
        }
    }

    private async Task IssueAsync(string name, IClusterLock lease, CancellationToken cancellationToken)
    {
        try
        {
            if (_options.Preflight)
            {
                var preflight = await _preflight.CheckAsync(name, cancellationToken);
                if (!preflight.Succeeded)
                {
                    var failed = await FailAsync(name, AcmeNameStatus.PreflightFailed, preflight.Reason!, retryAfter: null, lease, cancellationToken);
                    _logger.PreflightFailed(name, preflight.Reason!, failed.NextAttempt!.Value);
                    return;
                }
            }

            var certificate = await _issuer.IssueAsync(name, lease, cancellationToken);
            Install(name, certificate);
            var state = Succeeded(await _storage.LoadStateAsync(name, cancellationToken) ?? new AcmeNameState { HostName = name }, certificate, _timeProvider.GetUtcNow());
            await _storage.SaveStateAsync(state, lease, cancellationToken);
            _metrics.CertificateIssued();
            _logger.CertificateIssued(name, certificate.Leaf.GetCertHashString(HashAlgorithmName.SHA256), state.NotAfter!.Value, state.RenewAt!.Value);
        }
        catch (AcmeException ex) when (ex.IsRateLimited)
        {
            _metrics.RateLimited();
            var failed = await FailAsync(name, AcmeNameStatus.RateLimited, ex.Problem.Describe(), ex.RetryAfter, lease, cancellationToken);
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
            var failed = await FailAsync(name, AcmeNameStatus.Failed, problem, retryAfter: null, lease, cancellationToken);
            _logger.IssuanceFailed(name, failed.FailureCount, problem, failed.NextAttempt!.Value);
        }
    }

    private void Install(string name, AcmeStoredCertificate certificate)
    {
        // One prebuilt context per certificate, intermediates included; the store swaps it in atomically.
        _certificates.Set(name, SslStreamCertificateContext.Create(certificate.Leaf, certificate.Intermediates, offline: true));
        _served[name] = certificate.Leaf.GetCertHashString(HashAlgorithmName.SHA256);
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
            OrderIntentAt = null,
            CertificateThumbprint = certificate.Leaf.GetCertHashString(HashAlgorithmName.SHA256),
        };
    }

    private async Task<AcmeNameState> FailAsync(string name, AcmeNameStatus status, string problem, TimeSpan? retryAfter, IClusterLock lease, CancellationToken cancellationToken)
    {
        _metrics.AttemptFailed();
        var now = _timeProvider.GetUtcNow();
        var state = await _storage.LoadStateAsync(name, cancellationToken) ?? new AcmeNameState { HostName = name };
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
        await _storage.SaveStateAsync(state, lease, cancellationToken);
        return state;
    }

    private async Task WaitAsync(TimeSpan delay, IChangeToken changed, CancellationToken stoppingToken, bool wakeable = true)
    {
        using var wake = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        if (wakeable)
        {
            Volatile.Write(ref _wake, wake);
            if (Interlocked.Exchange(ref _wakeRequested, 0) == 1)
            {
                wake.Cancel();
            }
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
