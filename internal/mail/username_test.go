package mail

import "testing"

func TestUsernameProblem_NamesTheBrokenRuleAndAgreesWithValidUsername(t *testing.T) {
	tests := []struct {
		name, want string
	}{
		{"alice", ""},
		{"Al1ce", ""},
		{"abc", ""},
		{"a23456789012345678901234567890", ""},
		{"", "a username is required"},
		{"ab", "a username has at least 3 characters"},
		{"a234567890123456789012345678901", "a username has at most 30 characters"},
		{"1alice", "a username starts with a letter"},
		{"al.ice", "a username has only letters a–z and digits (no spaces, dots, dashes or accents)"},
		{"al ice", "a username has only letters a–z and digits (no spaces, dots, dashes or accents)"},
		{"alicé", "a username has only letters a–z and digits (no spaces, dots, dashes or accents)"},
		{"ai+bob", "a username has only letters a–z and digits (no spaces, dots, dashes or accents)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := UsernameProblem(tt.name); got != tt.want {
				t.Fatalf("UsernameProblem(%q) = %q, want %q", tt.name, got, tt.want)
			}
			if ValidUsername(tt.name) != (tt.want == "") {
				t.Fatalf("ValidUsername(%q) = %v disagrees", tt.name, ValidUsername(tt.name))
			}
		})
	}
}
