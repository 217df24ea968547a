package ingest

import "testing"

func TestFindPartMarker(t *testing.T) {
	tests := []struct {
		in     string
		n, of  int
		sub    string
		role   Role
		stripd string
	}{
		{"Trek Wars (1/7)", 1, 7, "", RoleNone, "Trek Wars"},
		{"Trek Wars 1/7", 1, 7, "", RoleNone, "Trek Wars"},
		{"Story [2/4]", 2, 4, "", RoleNone, "Story"},
		{"Story (1 of 7 parts)", 1, 7, "", RoleNone, "Story"},
		{"Story 1a/7", 1, 7, "a", RoleNone, "Story"},
		{"Part 2", 2, 0, "", RoleNone, ""},
		{"Trek Wars Part II", 2, 0, "", RoleNone, "Trek Wars"},
		{"Trek Wars (Part VI)", 6, 0, "", RoleNone, "Trek Wars"},
		{"Atax, Chapter 3", 3, 0, "", RoleNone, "Atax"},
		{"atax, ch. 3 of 15", 3, 15, "", RoleNone, "atax"},
		{"atax, 7 out of 15", 7, 15, "", RoleNone, "atax"},
		{"GRADUATION (Pt. 1/10) by MELISSA WILSON", 1, 10, "", RoleNone, "GRADUATION by MELISSA WILSON"},
		{"Aftershock, part (1/8?)", 1, 8, "", RoleNone, "Aftershock"},
		{"TNG Enterprized part 07", 7, 0, "", RoleNone, "TNG Enterprized"},
		{"The Great American Star Trek Novel, Ch. 4", 4, 0, "", RoleNone, "The Great American Star Trek Novel"},
		{"REPOST FOR WANG: Julia pt.2", 2, 0, "", RoleNone, "REPOST FOR WANG: Julia"},
		{"New story: More Than... [2 of 2]", 2, 2, "", RoleNone, "New story: More Than..."},
		{"REPOST: No Escape (no-escape.p03)", 3, 0, "", RoleNone, "REPOST: No Escape"},
		{"World of Two Moons - III", 3, 0, "", RoleNone, "World of Two Moons"},
		{"Silence, A Novel by K, Prologue", 0, 0, "", RolePrologue, "Silence, A Novel by K"},
		{"Belly of the Whale - final", 0, 0, "", RoleFinal, "Belly of the Whale"},
		{"atax, part 15 (that's all folks!)", 15, 0, "", RoleNone, "atax (that's all folks!)"},
		{"BRANE PART 6 (THE END !!!!!!!111)", 6, 0, "", RoleFinal, "BRANE (THE END !!!!!!!111)"},
		{"Part 1 of 7 ends", 1, 7, "", RoleNone, "ends"},
		{"Chapter Three: The Return", 3, 0, "", RoleNone, "The Return"},
		{"Epilogue", 0, 0, "", RoleEpilogue, ""},
		{"STTRR 11-20/20", 11, 20, "", RoleNone, "STTRR"},
		{"Part One through Five of Fifteen", 1, 15, "", RoleNone, ""},
		{"The last and final part of No ESCAPE!", 0, 0, "", RoleFinal, "No ESCAPE!"},
	}
	for _, tt := range tests {
		m, ok := FindPartMarker(tt.in)
		if !ok || m.N != tt.n || m.Of != tt.of || m.Sub != tt.sub || m.Role != tt.role {
			t.Errorf("FindPartMarker(%q) = %+v, %v; want n=%d of=%d sub=%q role=%d", tt.in, m, ok, tt.n, tt.of, tt.sub, tt.role)
		}
		if got := StripPartMarker(tt.in); got != tt.stripd {
			t.Errorf("StripPartMarker(%q) = %q, want %q", tt.in, got, tt.stripd)
		}
	}
	for _, in := range []string{
		"Star Trek II", "Bar Trek II: The Best of Both Bars", "The Final Frontier", "Final Mission (TNG)",
		"Generations 2", "Posted 12/12/93", "a part of the crew", "Part C of the plan", "Star Trek Voyages #1",
		"The End of Time", "3/4/1993",
	} {
		if m, ok := FindPartMarker(in); ok {
			t.Errorf("FindPartMarker(%q) = %+v, want no marker", in, m)
		}
	}
}

func TestPartOrder(t *testing.T) {
	order := []PartMarker{{Role: RolePrologue}, {N: 1}, {N: 1, Sub: "a"}, {N: 2}, {N: 10}, {Role: RoleFinal}, {Role: RoleEpilogue}}
	for i := 1; i < len(order); i++ {
		if order[i-1].Order() >= order[i].Order() {
			t.Errorf("%+v should come before %+v", order[i-1], order[i])
		}
	}
}

// FuzzPartMarker: any string gives no panic, a marker that lies within the
// string, and a stripped title no longer than the input.
func FuzzPartMarker(f *testing.F) {
	for _, s := range []string{"Trek Wars (1/7)", "atax, ch. 3 of 15", "Part IX", "x - final", "no.p01", "1a/7", "Prologue", "12/12/93", "Part C", "(THE END!!)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, ok := FindPartMarker(s)
		if ok {
			if m.Start < 0 || m.End > len(s) || m.Start > m.End || s[m.Start:m.End] != m.Text {
				t.Fatalf("marker %+v out of %q", m, s)
			}
			if m.N < 0 || m.Of < 0 || (m.Of > 0 && m.N > m.Of) {
				t.Fatalf("bad numbers %+v in %q", m, s)
			}
		}
		if got := StripPartMarker(s); len(got) > len(s) {
			t.Fatalf("StripPartMarker(%q) = %q grew", s, got)
		}
	})
}
