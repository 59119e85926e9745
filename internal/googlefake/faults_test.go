package googlefake

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	gmail "google.golang.org/api/gmail/v1"
	"google.golang.org/api/googleapi"
)

// outcomes runs n getProfile calls and returns their HTTP codes (200 for
// success).
func outcomes(t *testing.T, svc *gmail.Service, n int) []int {
	t.Helper()
	out := make([]int, n)
	for i := range out {
		_, err := svc.Users.GetProfile(mbox).Do()
		var gerr *googleapi.Error
		switch {
		case err == nil:
			out[i] = 200
		case errors.As(err, &gerr):
			out[i] = gerr.Code
		default:
			t.Fatal(err)
		}
	}
	return out
}

func TestFaultRatesAreSeededAndDeterministic(t *testing.T) {
	fake, ts := newFake(t, Options{})
	svc := gmailClient(t, ts.URL)
	cfg := Faults{Seed: 42, Rate429: 0.1, Rate500: 0.1, Rate503: 0.1}
	fake.SetFaults(cfg)
	first := outcomes(t, svc, 400)
	fake.SetFaults(cfg)
	second := outcomes(t, svc, 400)
	count := map[int]int{}
	for i := range first {
		if first[i] != second[i] {
			t.Fatalf("call %d: %d then %d with the same seed", i, first[i], second[i])
		}
		count[first[i]]++
	}
	for _, code := range []int{429, 500, 503} {
		if c := count[code]; c < 20 || c > 70 { // expected 40
			t.Errorf("%d: %d of 400, want about 40", code, c)
		}
	}
	if st := fake.Stats(); st.Faults["429"]+st.Faults["500"]+st.Faults["503"] != int64(2*(400-count[200])) {
		t.Fatalf("fault stats %v", st.Faults)
	}
	fake.SetFaults(Faults{})
	if got := outcomes(t, svc, 20); count200(got) != 20 {
		t.Fatalf("faults not cleared: %v", got)
	}
}

func count200(v []int) int {
	n := 0
	for _, c := range v {
		if c == 200 {
			n++
		}
	}
	return n
}

func TestFaultHappensBeforeEffect(t *testing.T) {
	fake, ts := newFake(t, Options{})
	svc := gmailClient(t, ts.URL)
	id, hid, _ := fake.Deliver(mbox, rawMail("a@x.com", mbox, "s", time.Now(), "x"), DeliverOptions{})
	fake.SetFaults(Faults{Rate503: 1, Methods: []string{"gmail.users.messages.modify"}})
	_, err := svc.Users.Messages.Modify(mbox, id, &gmail.ModifyMessageRequest{RemoveLabelIds: []string{"UNREAD"}}).Do()
	apiErr(t, err, 503, "backendError")
	if snap := fake.Mailbox(mbox); snap.Count("UNREAD") != 1 || snap.HistoryID != hid {
		t.Fatal("faulted modify had an effect")
	}
	// Methods limits injection: other methods are untouched.
	if _, err := svc.Users.Messages.Get(mbox, id).Do(); err != nil {
		t.Fatal(err)
	}
	fake.SetFaults(Faults{Rate429: 1})
	_, err = svc.Users.GetProfile(mbox).Do()
	apiErr(t, err, 429, "rateLimitExceeded")

	// Drive gets the same injection, with Drive's 429 reason.
	f, _ := fake.CreateFile(owner, "a.txt", "", "x")
	ds := driveClient(t, fake, ts.URL, owner)
	_, err = ds.Files.Get(f.ID).Do()
	apiErr(t, err, 429, "userRateLimitExceeded")
	fake.SetFaults(Faults{Rate500: 1, Methods: []string{"drive."}})
	_, err = ds.Files.Get(f.ID).Do()
	apiErr(t, err, 500, "backendError")
	if _, err := svc.Users.GetProfile(mbox).Do(); err != nil {
		t.Fatal(err)
	}
}

func TestLatencySlowAndHang(t *testing.T) {
	fake, ts := newFake(t, Options{})
	svc := gmailClient(t, ts.URL)
	fake.SetFaults(Faults{Latency: 30 * time.Millisecond, Jitter: 10 * time.Millisecond, SlowRate: 1, SlowDelay: 40 * time.Millisecond})
	start := time.Now()
	if _, err := svc.Users.GetProfile(mbox).Do(); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 70*time.Millisecond {
		t.Fatalf("latency + slow took only %v", d)
	}

	fake.SetFaults(Faults{HangRate: 1})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := svc.Users.GetProfile(mbox).Context(ctx).Do()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("hang: %v", err)
	}
	if st := fake.Stats(); st.Faults["hang"] != 1 || st.Faults["slow"] != 1 {
		t.Fatalf("stats %v", st.Faults)
	}
}

func TestFaultsJSON(t *testing.T) {
	in := `{"seed":7,"rate_500":0.5,"latency":"150ms","slow_rate":0.02,"slow_delay":"2s","methods":["drive."]}`
	var f Faults
	if err := json.Unmarshal([]byte(in), &f); err != nil {
		t.Fatal(err)
	}
	if f.Seed != 7 || f.Rate500 != 0.5 || f.Latency != 150*time.Millisecond || f.SlowDelay != 2*time.Second || f.Methods[0] != "drive." {
		t.Fatalf("decoded %+v", f)
	}
	out, _ := json.Marshal(f)
	var back Faults
	if err := json.Unmarshal(out, &back); err != nil || back.Latency != f.Latency || back.SlowRate != f.SlowRate {
		t.Fatalf("round trip %s: %v", out, err)
	}
	if err := json.Unmarshal([]byte(`{"latency":"soon"}`), &f); err == nil {
		t.Fatal("bad duration accepted")
	}
}
