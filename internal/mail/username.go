package mail

// UsernameProblem says which username rule s breaks, in words a signup form
// can show, or "" when s is a valid username (exactly when ValidUsername).
func UsernameProblem(s string) string {
	switch {
	case s == "":
		return "a username is required"
	case len(s) < 3:
		return "a username has at least 3 characters"
	case len(s) > 30:
		return "a username has at most 30 characters"
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		isLetter := (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
		isDigit := c >= '0' && c <= '9'
		switch {
		case i == 0 && isDigit:
			return "a username starts with a letter"
		case !isLetter && !isDigit:
			return "a username has only letters a–z and digits (no spaces, dots, dashes or accents)"
		}
	}
	return ""
}
