using Mesh.Transport;
using Mesh.Transport.Ice;
using Mesh.Transport.Net;

namespace Mesh.Integration.Ice;

/// <summary>
/// Two agents on real sockets with in-process signalling. Candidates are handed over on the thread pool,
/// never from inside the other agent's event (that would nest the two agents' locks).
/// </summary>
internal sealed class IceSession : IDisposable
{
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IceSession(INetwork networkA, INetwork networkB, IceAgentOptions options, Func<Candidate, bool>? signal = null)
    {
        signal ??= _ => true;
        A = new IceAgent(networkA, options with { Role = IceRole.Controlling }, TimeProvider.System, SecureRandom.Instance);
        B = new IceAgent(networkB, options with { Role = IceRole.Controlled }, TimeProvider.System, SecureRandom.Instance);
        Wire(A, B, signal);
        Wire(B, A, signal);
        A.StateChanged += _ => Check();
        B.StateChanged += _ => Check();
    }

    public IceAgent A { get; }

    public IceAgent B { get; }

    public void Start()
    {
        A.SetRemoteCredentials(B.LocalCredentials);
        B.SetRemoteCredentials(A.LocalCredentials);
        A.StartGathering();
        B.StartGathering();
    }

    /// <summary>Waits until both agents are connected; throws if one fails or the time runs out.</summary>
    public Task ConnectedAsync(TimeSpan timeout) => _connected.Task.WaitAsync(timeout);

    public void Dispose()
    {
        A.Dispose();
        B.Dispose();
    }

    private static void Wire(IceAgent from, IceAgent to, Func<Candidate, bool> signal)
    {
        from.CandidateGathered += c =>
        {
            if (signal(c))
            {
                ThreadPool.QueueUserWorkItem(_ => to.AddRemoteCandidate(c));
            }
        };
        from.GatheringCompleted += () => ThreadPool.QueueUserWorkItem(_ => to.AddRemoteEndOfCandidates());
    }

    private void Check()
    {
        if (A.State == IceAgentState.Failed || B.State == IceAgentState.Failed)
        {
            _connected.TrySetException(new InvalidOperationException($"ICE failed: {A.FailureReason ?? B.FailureReason}"));
        }
        else if (A.State == IceAgentState.Connected && B.State == IceAgentState.Connected)
        {
            _connected.TrySetResult();
        }
    }
}
