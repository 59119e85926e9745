package unitwindow

import (
	"testing"
	"time"
)

func TestWindow_AdmitsAtMostTheLimitInAnySpan(t *testing.T) {
	w := &Window{Limit: 100, Span: time.Second}
	start := time.Now()
	for range 9 {
		if _, ok := w.Take(10, start); !ok {
			t.Fatal("a spend within the limit was refused")
		}
	}
	// 90 spent at 0: 50 more fit only when those expire, a span later.
	wait, ok := w.Take(50, start.Add(300*time.Millisecond))
	if ok || wait != 700*time.Millisecond {
		t.Fatalf("Take(50) at +300ms = (%v, %v), want refused for 700ms", wait, ok)
	}
	if _, ok := w.Take(10, start.Add(300*time.Millisecond)); !ok {
		t.Fatal("the last 10 units of the limit were refused")
	}
	if w.Sum() != 100 {
		t.Fatalf("Sum = %d, want 100", w.Sum())
	}
	// At +1s the spends of 0 have left (the window is (now-span, now]).
	if _, ok := w.Take(50, start.Add(time.Second)); !ok || w.Sum() != 60 {
		t.Fatalf("Take(50) at +1s: ok %v, sum %d; want admitted with 60 in the window", ok, w.Sum())
	}
	if _, ok := w.Take(101, start.Add(time.Hour)); ok {
		t.Fatal("more units than the limit were admitted")
	}
}

func TestWindow_WithoutALimitCountsEverything(t *testing.T) {
	w := &Window{Span: time.Second}
	now := time.Now()
	for range 30 {
		if _, ok := w.Take(100, now); !ok {
			t.Fatal("an unlimited window refused a spend")
		}
	}
	if w.Sum() != 3000 {
		t.Fatalf("Sum = %d, want 3000", w.Sum())
	}
}
