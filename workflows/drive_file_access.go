package workflows

import (
	"slices"

	"go.temporal.io/sdk/workflow"

	"github.com/besunny/workflows/activities"
)

// Drive answers 404 both for a deleted file and to a user the file is not
// shared with, so a 404 is one owner's answer about their own access: it
// removes that owner alone. The file ends for everyone only when a reader's
// metadata says it is trashed, or when no owner who watches it can read it
// any more.

// reasonNotVisible is why an owner's watch ends when Drive answers them 404
// while others still read the file.
const reasonNotVisible = "Drive does not show this file to your Google account (404 notFound): it is not shared with you, or it was deleted"

// drivePerOwnerNotFound is the change id of the per-owner reading of a 404.
//
// Its GetVersion is called only where a 404 arrives, never at the start of a
// run: a released run reached that point only once, to end (every 404 ended
// the watch), so no running workflow has it in its history. A run that is
// replayed up to today therefore gets the new behaviour at its first 404
// after the deploy, not only after its next continue-as-new; and a recorded
// history that ended on a 404 replays as DefaultVersion, the old way.
const drivePerOwnerNotFound = "drive-per-owner-not-found"

// refusal is one owner's 404 in a round of reads.
type refusal struct {
	owner string
	// hadFile: the owner has read the file before (or just now, when the
	// export answered 404 after the metadata read worked).
	hadFile bool
}

// notFoundIsPerOwner reports whether this run treats a 404 as one owner's
// answer (the current version) or as the file's deletion (released runs).
func (f *driveFile) notFoundIsPerOwner(ctx workflow.Context) bool {
	return workflow.GetVersion(ctx, drivePerOwnerNotFound, workflow.DefaultVersion, 1) >= 1
}

// refuse records the owner's 404 for settleRefusals; the owner stays until
// the round is over, so that the other owners' answers decide what it means.
func (f *driveFile) refuse(owner string, hadFile bool) {
	if slices.ContainsFunc(f.refused, func(r refusal) bool { return r.owner == owner }) {
		return
	}
	f.refused = append(f.refused, refusal{owner: owner, hadFile: hadFile})
}

// hasRead reports whether the owner's document was ever synced from the file.
func (f *driveFile) hasRead(owner string) bool {
	i := slices.IndexFunc(f.st.Owners, func(o DriveOwner) bool { return o.UserID == owner })
	return i >= 0 && f.st.Owners[i].DocumentID != ""
}

// settleRefusals acts on the 404s of the round that just ended. While any
// owner remains who was not refused (and so, as far as we know, still reads
// the file), each refused owner leaves alone: their watch ends and their
// document is in error with a reason they understand. When every owner was
// refused, nobody can read the file: it is gone for the owners who had it
// (documents deleted) and never was for those who did not (error).
func (f *driveFile) settleRefusals(ctx workflow.Context) {
	refused := slices.DeleteFunc(f.refused, func(r refusal) bool {
		return !slices.ContainsFunc(f.st.Owners, func(o DriveOwner) bool { return o.UserID == r.owner })
	})
	f.refused = nil
	if len(refused) == 0 || f.st.Ended != "" {
		return
	}
	isRefused := func(owner string) bool {
		return slices.ContainsFunc(refused, func(r refusal) bool { return r.owner == owner })
	}
	readers := slices.DeleteFunc(slices.Clone(f.st.Owners), func(o DriveOwner) bool { return isRefused(o.UserID) })
	if len(readers) > 0 {
		if f.st.Channel != nil && isRefused(f.st.Channel.OwnerID) {
			// Push through the refused owner's grant stops with their
			// access: a reader's channel takes over before it is stopped.
			f.replaceChannelAs(ctx, readers[0].UserID)
		}
		for _, r := range refused {
			f.removeOwner(ctx, r.owner, activities.EndWatchInput{DocumentStatus: "error", Reason: reasonNotVisible}, "Drive answered 404 to this owner")
		}
		return
	}
	why := "access lost"
	if slices.ContainsFunc(refused, func(r refusal) bool { return r.hadFile }) {
		why = "the file was deleted"
	}
	for _, r := range refused {
		end := activities.EndWatchInput{DocumentStatus: "error", Reason: reasonNotVisible}
		if r.hadFile {
			end = activities.EndWatchInput{DocumentStatus: "deleted", Reason: "the file was deleted"}
		}
		f.removeOwner(ctx, r.owner, end, why)
	}
}

// replaceChannelAs opens a new channel with the owner's grant, then stops
// the old one, so push goes on without a gap.
func (f *driveFile) replaceChannelAs(ctx workflow.Context, owner string) {
	old := f.st.Channel
	f.st.Channel = nil
	if f.settings.Push {
		f.openChannelAs(ctx, owner)
	}
	if old != nil {
		if err := workflow.ExecuteActivity(driveCtx(ctx), (*activities.Drive).StopChannel, *old).Get(ctx, nil); err != nil {
			f.st.LastError = "stop old channel: " + err.Error()
		}
	}
}
