package attendee

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
)

// epochThresholdMS separates Attendee's epoch timestamps (milliseconds since
// 1970, what it sends) from offsets into a recording (what a test or an
// older version might send): anything after 2001 is a date.
const epochThresholdMS = 1_000_000_000_000

// mergeGap is the longest pause after which the same speaker's next
// utterance still continues their paragraph.
const mergeGap = 2 * time.Second

// Transcript is a meeting's transcript as text, with what was learned
// reading it.
type Transcript struct {
	// Text is one paragraph per turn: "[hh:mm:ss] Speaker: words", the time
	// counted from the start of the recording.
	Text string
	// Utterances counts the utterances with text.
	Utterances int
	// Speakers lists the speakers in order of first appearance.
	Speakers []string
	// Words counts the words spoken.
	Words int
	// Start and End are the first utterance's start and the last one's end
	// (zero when the timestamps are offsets, not dates).
	Start, End time.Time
	// Duration is from the first utterance's start to the last one's end.
	Duration time.Duration
}

// Empty reports whether nobody said anything the bot could transcribe.
func (t Transcript) Empty() bool { return t.Utterances == 0 }

// RenderTranscript turns utterances into speaker-attributed text. Times are
// offsets from origin when it is set and not after the first utterance
// (the recording's start), else from the first utterance. Consecutive
// utterances of one speaker less than two seconds apart make one paragraph.
func RenderTranscript(utterances []Utterance, origin time.Time) Transcript {
	us := make([]Utterance, 0, len(utterances))
	for _, u := range utterances {
		if strings.TrimSpace(u.Text()) != "" {
			us = append(us, u)
		}
	}
	slices.SortStableFunc(us, func(a, b Utterance) int { return cmp.Compare(a.TimestampMS, b.TimestampMS) })
	var t Transcript
	if len(us) == 0 {
		return t
	}
	first := us[0].TimestampMS
	last := first
	for _, u := range us {
		last = max(last, u.TimestampMS+max(u.DurationMS, 0))
	}
	epoch := first >= epochThresholdMS
	base := first
	if epoch {
		t.Start = time.UnixMilli(first).UTC()
		t.End = time.UnixMilli(last).UTC()
		if !origin.IsZero() && origin.UnixMilli() <= first {
			base = origin.UnixMilli()
		}
	} else {
		base = 0
	}
	t.Duration = time.Duration(last-first) * time.Millisecond

	var b strings.Builder
	seen := map[string]bool{}
	var prevKey string
	var prevEnd int64
	for i, u := range us {
		name := strings.TrimSpace(u.SpeakerName)
		if name == "" {
			name = "Unknown speaker"
		}
		key := u.SpeakerUUID
		if key == "" {
			key = name
		}
		if !seen[key] {
			seen[key] = true
			t.Speakers = append(t.Speakers, name)
		}
		text := oneLine(u.Text())
		t.Utterances++
		t.Words += len(strings.Fields(text))
		if i > 0 && key == prevKey && time.Duration(u.TimestampMS-prevEnd)*time.Millisecond < mergeGap {
			b.WriteByte(' ')
			b.WriteString(text)
		} else {
			if i > 0 {
				b.WriteByte('\n')
			}
			fmt.Fprintf(&b, "[%s] %s: %s", clock(u.TimestampMS-base), name, text)
		}
		prevKey, prevEnd = key, u.TimestampMS+max(u.DurationMS, 0)
	}
	b.WriteByte('\n')
	t.Text = b.String()
	return t
}

// clock writes an offset in milliseconds as hh:mm:ss.
func clock(ms int64) string {
	if ms < 0 {
		ms = 0
	}
	s := ms / 1000
	return fmt.Sprintf("%02d:%02d:%02d", s/3600, s/60%60, s%60)
}

// oneLine folds the whitespace of an utterance (captions carry line breaks)
// into single spaces.
func oneLine(s string) string {
	return strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " ")
}
