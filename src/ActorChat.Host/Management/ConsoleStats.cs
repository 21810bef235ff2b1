using ActorChat.Diagnostics;
using Akka.Actor;

namespace ActorChat.Host.Management;

/// <summary>
/// What the operator console shows, for <c>GET /console/stats</c>: the cluster as this node sees it, and each
/// member's own figures, asked of the member over the cluster.
/// </summary>
/// <param name="Self">This node's address.</param>
/// <param name="Leader">The leader; null while there is none.</param>
/// <param name="Members">Every member, ordered by address, each with its figures or why there are none.</param>
public sealed record ConsoleStats(string Self, string? Leader, IReadOnlyList<ConsoleStats.Member> Members)
{
    /// <summary>The member answered.</summary>
    public const string Answered = "ok";

    /// <summary>This node cannot reach the member, so it is not asked.</summary>
    public const string Unreachable = "unreachable";

    /// <summary>The member did not answer in time: it is lost and not yet found unreachable, overloaded, or of a version without the console.</summary>
    public const string NoAnswer = "no-answer";

    /// <summary>The member collects no metrics: its management endpoint is off.</summary>
    public const string Unmetered = "unmetered";

    /// <param name="Answer"><see cref="Answered"/>, <see cref="Unreachable"/>, <see cref="NoAnswer"/> or <see cref="Unmetered"/>.</param>
    /// <param name="Figures">The member's figures when it answered; null otherwise.</param>
    public sealed record Member(string Address, string Status, bool Reachable, string Answer, NodeFigures? Figures);

    /// <summary>
    /// Asks every reachable member for its figures at once, this node included, and waits for each at most
    /// <paramref name="timeout"/>: a lost node shows as not answering instead of holding up the others.
    /// </summary>
    public static async Task<ConsoleStats> GatherAsync(ActorSystem system, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var view = ClusterView.Of(system);
        var members = await Task.WhenAll(view.Members.Select(async member =>
        {
            if (!member.Reachable)
                return new Member(member.Address, member.Status, member.Reachable, Unreachable, null);
            var figures = await AskAsync(system, member.Address, timeout, cancellationToken);
            var answer = figures is null ? NoAnswer : figures.Metered ? Answered : Unmetered;
            return new Member(member.Address, member.Status, member.Reachable, answer, figures is { Metered: true } ? figures : null);
        }));
        return new ConsoleStats(view.Self, view.Leader, members);
    }

    private static async Task<NodeFigures?> AskAsync(ActorSystem system, string address, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            return await system.ActorSelection($"{address}/user/{NodeFiguresActor.Name}")
                .Ask<NodeFigures>(GetNodeFigures.Instance, timeout, cancellationToken);
        }
        catch (AskTimeoutException)
        {
            return null;
        }
    }
}
