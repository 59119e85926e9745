package mail

import (
	"fmt"
	"slices"
	"testing"
)

func TestWatchedLinks_WatchesTheFirstFilesUpToTheCap(t *testing.T) {
	file := func(id string) DriveLink { return DriveLink{FileID: id, Kind: DriveKindDocument} }
	folder := func(id string) DriveLink { return DriveLink{FileID: id, Kind: DriveKindFolder} }
	many := make([]DriveLink, 10000)
	for i := range many {
		many[i] = file(fmt.Sprintf("file%05d", i))
	}
	cases := []struct {
		name  string
		links []DriveLink
		max   int
		want  []bool
	}{
		{"none", nil, 20, []bool{}},
		{"under the cap", []DriveLink{file("a"), file("b")}, 20, []bool{true, true}},
		{"at the cap", []DriveLink{file("a"), file("b"), file("c")}, 2, []bool{true, true, false}},
		{"folders are never watched and do not count", []DriveLink{folder("f"), file("a"), folder("g"), file("b"), file("c")}, 2, []bool{false, true, false, true, false}},
		{"zero watches none", []DriveLink{file("a")}, 0, []bool{false}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := WatchedLinks(c.links, c.max); !slices.Equal(got, c.want) {
				t.Fatalf("WatchedLinks = %v, want %v", got, c.want)
			}
		})
	}
	t.Run("10,000 links", func(t *testing.T) {
		got := WatchedLinks(many, 20)
		if n := len(slices.DeleteFunc(slices.Clone(got), func(w bool) bool { return !w })); n != 20 || !got[0] || !got[19] || got[20] {
			t.Fatalf("%d watched; want exactly the first 20", n)
		}
	})
}
