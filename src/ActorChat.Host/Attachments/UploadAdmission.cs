namespace ActorChat.Host.Attachments;

/// <summary>
/// What one user's uploads may take of this node at once: a few in flight (<see cref="AttachmentSettings.UploadsInFlightPerUser"/>),
/// one decode at a time, so that one user holds at most one place in the node's decode line, and bytes reserved
/// against the quota before anything is saved, so that parallel uploads cannot pass it together.
/// </summary>
public sealed class UploadAdmission(AttachmentSettings settings)
{
    private readonly Lock _lock = new();
    private readonly long _quota = settings.QuotaBytesPerUser;
    private readonly Dictionary<string, UserUploads> _users = [];

    // Each user's budget of decoded pixels; kept after their uploads end, until it is full again.
    private readonly Dictionary<string, TokenBucket> _pixelBudgets = [];

    /// <summary>A new upload of <paramref name="owner"/>, or null when the user has as many in flight as allowed.</summary>
    public Upload? TryBegin(string owner)
    {
        lock (_lock)
        {
            if (!_users.TryGetValue(owner, out var user))
                _users[owner] = user = new UserUploads();
            if (user.InFlight >= settings.UploadsInFlightPerUser)
                return null;
            user.InFlight++;
            return new Upload(this, owner, user);
        }
    }

    private TokenBucket PixelBudgetOf(string owner)
    {
        if (_pixelBudgets.TryGetValue(owner, out var budget))
            return budget;
        // Forget the budgets that are full again: they would be made anew just as they are.
        if (_pixelBudgets.Count >= 1024)
        {
            foreach (var full in _pixelBudgets.Where(entry => entry.Value.UntilFull() == TimeSpan.Zero).Select(entry => entry.Key).ToList())
                _pixelBudgets.Remove(full);
        }
        var perMinute = settings.DecodePixelsPerUserPerMinute;
        return _pixelBudgets[owner] = new TokenBucket(perMinute / 60.0, perMinute, TimeProvider.System);
    }

    internal sealed class UserUploads : IDisposable
    {
        public int InFlight;
        public long Reserved;
        public readonly SemaphoreSlim DecodeTurn = new(1, 1);
        public readonly SemaphoreSlim Ledger = new(1, 1);

        public void Dispose()
        {
            DecodeTurn.Dispose();
            Ledger.Dispose();
        }
    }

    /// <summary>One upload admitted; disposing it gives back its place and its reservation.</summary>
    public sealed class Upload : IDisposable
    {
        private readonly UploadAdmission _admission;
        private readonly string _owner;
        private readonly UserUploads _user;
        private long _reserved;
        private bool _decoding;
        private bool _disposed;

        internal Upload(UploadAdmission admission, string owner, UserUploads user) => (_admission, _owner, _user) = (admission, owner, user);

        /// <summary>
        /// Reserves <paramref name="bytes"/> for this upload (in place of what it reserved before) against the quota, on
        /// top of what <paramref name="readStored"/> says is stored; false, and nothing more reserved, when they do not fit.
        /// </summary>
        /// <remarks>A user's reservations and saves take turns, so that what is stored and what is reserved never miss or double an upload.</remarks>
        public async Task<bool> TryReserveAsync(Func<CancellationToken, Task<long>> readStored, long bytes, CancellationToken cancel)
        {
            await _user.Ledger.WaitAsync(cancel).ConfigureAwait(false);
            try
            {
                var stored = await readStored(cancel).ConfigureAwait(false);
                lock (_admission._lock)
                {
                    var others = _user.Reserved - _reserved;
                    if (stored + others + bytes > _admission._quota)
                        return false;
                    _user.Reserved = others + bytes;
                    _reserved = bytes;
                    return true;
                }
            }
            finally
            {
                _user.Ledger.Release();
            }
        }

        /// <summary>Saves the upload with <paramref name="save"/>; from then on it counts as stored, no longer as reserved.</summary>
        public async Task SaveAsync(Func<CancellationToken, Task> save, CancellationToken cancel)
        {
            await _user.Ledger.WaitAsync(cancel).ConfigureAwait(false);
            try
            {
                await save(cancel).ConfigureAwait(false);
                lock (_admission._lock)
                {
                    _user.Reserved -= _reserved;
                    _reserved = 0;
                }
            }
            finally
            {
                _user.Ledger.Release();
            }
        }

        /// <summary>
        /// Charges <paramref name="pixels"/> to the user's decode budget: null when they will not be there within
        /// <paramref name="longestWait"/> (nothing charged), otherwise how long to wait before decoding.
        /// </summary>
        public TimeSpan? TryChargePixels(long pixels, TimeSpan longestWait, out TimeSpan retryAfter)
        {
            lock (_admission._lock)
            {
                var budget = _admission.PixelBudgetOf(_owner);
                if (budget.TryReserve(pixels, longestWait, out var wait))
                {
                    retryAfter = TimeSpan.Zero;
                    return wait;
                }
                retryAfter = wait;
                return null;
            }
        }

        /// <summary>Gives back pixels charged for a decode that never began.</summary>
        public void RefundPixels(long pixels)
        {
            lock (_admission._lock)
                _admission.PixelBudgetOf(_owner).Give(pixels);
        }

        /// <summary>Waits for this user's turn to decode: a user's images are decoded one after another.</summary>
        public async Task<bool> WaitForDecodeTurnAsync(TimeSpan wait, CancellationToken cancel) =>
            _decoding = await _user.DecodeTurn.WaitAsync(wait, cancel).ConfigureAwait(false);

        public void Dispose()
        {
            if (_disposed)
                return;
            _disposed = true;
            if (_decoding)
                _user.DecodeTurn.Release();
            lock (_admission._lock)
            {
                _user.Reserved -= _reserved;
                if (--_user.InFlight == 0)
                {
                    _admission._users.Remove(_owner);
                    _user.Dispose();
                }
            }
        }
    }
}
