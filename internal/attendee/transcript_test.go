package attendee

import (
	"strings"
	"testing"
	"time"
)

func utt(name, uuid string, ts, dur int64, text string) Utterance {
	return Utterance{SpeakerName: name, SpeakerUUID: uuid, TimestampMS: ts, DurationMS: dur, Transcription: &Transcription{Transcript: text}}
}

func TestRenderTranscript_AttributesSpeakersWithTimesFromTheRecordingStart(t *testing.T) {
	start := time.Date(2026, 3, 9, 14, 0, 0, 0, time.UTC)
	ms := func(d time.Duration) int64 { return start.Add(d).UnixMilli() }
	us := []Utterance{
		utt("Bob Stone", "2", ms(75*time.Second), 3000, "Budget is\nfine."),
		utt("Alice Martin", "1", ms(5*time.Second), 4000, "Good morning, everyone."),
		utt("Alice Martin", "1", ms(9500*time.Millisecond), 2000, "Let's start with the budget."),
		{SpeakerName: "Carol", SpeakerUUID: "3", TimestampMS: ms(80 * time.Second), Transcription: nil},
		utt("", "4", ms(3*time.Hour+2*time.Minute+1*time.Second), 1000, "  "),
		utt("", "5", ms(time.Hour+2*time.Minute+1*time.Second), 1000, "Bye."),
		utt("Alice Martin", "1", ms(2*time.Hour), 1000, "Still here."),
	}
	got := RenderTranscript(us, start)
	want := strings.Join([]string{
		"[00:00:05] Alice Martin: Good morning, everyone. Let's start with the budget.",
		"[00:01:15] Bob Stone: Budget is fine.",
		"[01:02:01] Unknown speaker: Bye.",
		"[02:00:00] Alice Martin: Still here.",
	}, "\n") + "\n"
	if got.Text != want {
		t.Fatalf("text:\n%s\nwant:\n%s", got.Text, want)
	}
	if got.Utterances != 5 || got.Words != 14 {
		t.Fatalf("utterances %d words %d", got.Utterances, got.Words)
	}
	if strings.Join(got.Speakers, ",") != "Alice Martin,Bob Stone,Unknown speaker" {
		t.Fatalf("speakers %v", got.Speakers)
	}
	if !got.Start.Equal(start.Add(5*time.Second)) || got.Duration != 2*time.Hour+1*time.Second-5*time.Second {
		t.Fatalf("start %v duration %v", got.Start, got.Duration)
	}
}

func TestRenderTranscript_CountsFromTheFirstUtteranceWithoutOrigin(t *testing.T) {
	base := int64(1_773_064_800_000)
	got := RenderTranscript([]Utterance{utt("A", "a", base+61_000, 500, "hi"), utt("B", "b", base, 500, "hello")}, time.Time{})
	if got.Text != "[00:00:00] B: hello\n[00:01:01] A: hi\n" {
		t.Fatalf("text %q", got.Text)
	}
	// Offsets (not dates) are used as they are.
	got = RenderTranscript([]Utterance{utt("A", "a", 3_000, 500, "hi")}, time.Time{})
	if got.Text != "[00:00:03] A: hi\n" || !got.Start.IsZero() {
		t.Fatalf("offsets: %q %v", got.Text, got.Start)
	}
}

func TestRenderTranscript_EmptyWhenNobodySpoke(t *testing.T) {
	for _, us := range [][]Utterance{nil, {{SpeakerName: "A"}}, {utt("A", "a", 1, 1, " \n ")}} {
		if got := RenderTranscript(us, time.Time{}); !got.Empty() || got.Text != "" {
			t.Fatalf("RenderTranscript(%v) = %+v", us, got)
		}
	}
}
