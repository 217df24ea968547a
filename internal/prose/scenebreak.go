package prose

import "strings"

// sceneBreakChars are the characters scene-break lines are drawn with.
const sceneBreakChars = "*~#=+-_<>^•·°/\\|:oO0xX "

// SceneBreakLine reports whether a line is a scene break or separator such
// as "***", "* * *", "~~~", "-----", "o0o" or "#": symbols only, at most 80
// of them. Lines of dots or ?! are not breaks: they are a character's
// silence.
func SceneBreakLine(l string) bool {
	t := strings.TrimSpace(l)
	if t == "" || len(t) > 80 || strings.Trim(t, ".?!, ") == "" {
		return false
	}
	letters, symbols := 0, 0
	for _, r := range t {
		switch {
		case !strings.ContainsRune(sceneBreakChars, r) && r != '.':
			return false
		case strings.ContainsRune("oO0xX", r):
			letters++
		case r != ' ':
			symbols++
		}
	}
	// Letters are allowed only as decoration: "-x-", "~o~", or a mix of
	// cases and zeros such as "o0o" and "xXx" (but not "xxx" or "OX").
	mixed := strings.ContainsAny(t, "0") || (strings.ContainsAny(t, "ox") && strings.ContainsAny(t, "OX"))
	return letters == 0 || symbols > 0 || (mixed && letters >= 3)
}
