using Akka.Actor;
using Akka.Event;

namespace ActorChat.Accounts;

/// <summary>
/// The room list's changes, taken in the order they were asked for: a change whose row is being written, or an
/// answer (the list asked for, a change that changed nothing) that must not overtake the changes before it. Each
/// step finishes, stored or failed, only once every step before it has.
/// </summary>
/// <param name="self">The account, which hands each <see cref="StepDone"/> back to <see cref="OnDone"/>.</param>
/// <param name="forget">Called once no step is left after a write failed: the list is read from the table again.</param>
internal sealed class ListSteps(IActorRef self, ILoggingAdapter log, string key, Action forget)
{
    public sealed class Step(Action stored, Action failed)
    {
        public bool Done { get; set; }

        public Exception? Failure { get; set; }

        public void Finish()
        {
            if (Failure is null)
                stored();
            else
                failed();
        }
    }

    public sealed record StepDone(Step Step, Exception? Failure);

    private readonly Queue<Step> _steps = new();
    private bool _forget;

    /// <param name="written">The step's row on its way to the table, or null for a step that stores nothing.</param>
    public void Take(Action stored, Action failed, Task? written)
    {
        var step = new Step(stored, failed);
        _steps.Enqueue(step);
        if (written is null)
        {
            step.Done = true;
            Finish();
        }
        else
            written.PipeTo(self, success: () => new StepDone(step, null), failure: e => new StepDone(step, e));
    }

    public void OnDone(StepDone done)
    {
        done.Step.Done = true;
        done.Step.Failure = done.Failure;
        if (done.Failure is not null)
        {
            log.Error(done.Failure, "A change of the room list of {0} could not be stored", key);
            _forget = true;
        }
        Finish();
    }

    private void Finish()
    {
        while (_steps.TryPeek(out var next) && next.Done)
        {
            _steps.Dequeue();
            next.Finish();
        }
        if (_forget && _steps.Count == 0)
        {
            _forget = false;
            forget();
        }
    }
}
