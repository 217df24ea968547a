package efiction

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
)

// TestAdversarialShapes reads 2 MB inputs of shapes that could make a
// reader slow (statements that never end, many tiny statements, deep
// nesting, endless comments, escapes) and fails when one takes more than a
// few seconds: reading must stay linear.
func TestAdversarialShapes(t *testing.T) {
	const size = 2 << 20
	for name, unit := range map[string]string{
		"inserts":      "INSERT INTO t VALUES (1);",
		"open rows":    "INSERT INTO t VALUES (",
		"parens":       "(",
		"quotes":       "'",
		"escapes":      `INSERT INTO t VALUES ('\\\'\n`,
		"semicolons":   ";",
		"comments":     "/*",
		"line comment": "-- x\n",
		"create":       "CREATE TABLE t (`a` int, ",
		"rows":         "INSERT INTO t VALUES (1,'a'),(2,'b'),",
		"stories":      "INSERT INTO `fanfiction_stories` (`sid`,`title`,`catid`) VALUES (1,'a','1,1,1,1,1,1,1,1');",
		"categories":   "INSERT INTO `fanfiction_categories` (`catid`,`parentcatid`,`category`) VALUES (2,1,'x'),(1,2,'y');",
	} {
		in := strings.Repeat(unit, size/len(unit))
		start := time.Now()
		if _, err := Read(context.Background(), bytes.NewReader([]byte(in)), Options{}); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		d := time.Since(start)
		t.Logf("%s: %v", name, d)
		if d > 10*time.Second {
			t.Errorf("%s: %v for 2 MB", name, d)
		}
	}
}
