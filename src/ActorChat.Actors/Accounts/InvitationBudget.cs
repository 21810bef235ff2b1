namespace ActorChat.Accounts;

/// <summary>
/// The invitations a user may still send: a bucket of <see cref="InvitationLimits.PerHour"/> invitations that refills
/// over the hour, made on the first one. It lives in the account's memory, so the account stays while it refills.
/// </summary>
internal sealed class InvitationBudget(InvitationLimits limits, TimeProvider clock)
{
    private TokenBucket? _bucket;

    /// <summary>The answer to a <see cref="SpendInvitation"/>: allowed, taking one, or refused with the wait for the next.</summary>
    public InvitationAnswer Spend()
    {
        var bucket = _bucket ??= new TokenBucket(limits.PerHour / 3600.0, limits.PerHour, clock);
        if (bucket.TryTake())
            return InvitationAnswer.Allowed;
        var wait = Math.Max(1, (int)Math.Ceiling(bucket.UntilNext().TotalMinutes));
        return new InvitationAnswer(Protocol.ErrorCodes.RateLimited,
            $"at most {limits.PerHour} invitations an hour; the next one in {wait} minute{(wait == 1 ? "" : "s")}");
    }

    /// <summary>How long until the budget is full again; null when nothing was ever spent.</summary>
    public TimeSpan? UntilFull() => _bucket?.UntilFull();
}
