package cli

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// runIn runs the program with stdin and returns its stdout and error.
func runIn(t *testing.T, stdin string, args ...string) (string, error) {
	t.Helper()
	m, out, errOut := testMain(nil)
	m.Stdin = strings.NewReader(stdin)
	err := m.Run(context.Background(), args)
	if err != nil {
		t.Logf("%v: %v\n%s", args, err, errOut)
	}
	return out.String(), err
}

func TestUserCommands(t *testing.T) {
	data := t.TempDir()
	out, err := runIn(t, "first-admin-pass\n", "user", "add", "Ada Admin", "--email", "ada@example.org", "--password-stdin", "--role", "admin", "--data", data)
	if err != nil || !strings.Contains(out, "Made account 1, Ada Admin <ada@example.org> with the role admin; it can log in now.") {
		t.Fatalf("user add: %q, %v", out, err)
	}
	if _, err := runIn(t, "another-password\n", "user", "add", "--data", data, "--email=bob@example.org", "--password-stdin", "Bob"); err != nil {
		t.Fatalf("user add with flags first: %v", err)
	}
	for _, bad := range [][]string{
		{"user", "add", "ada admin", "--email", "other@example.org", "--password-stdin"}, // the name is taken
		{"user", "add", "Cy", "--email", "cy@example.org", "--password-stdin"},           // too short
		{"user", "add", "Cyd", "--email", "not-an-address", "--password-stdin"},
		{"user", "add", "Cyd", "--email", "cyd@example.org", "--password-stdin", "--role", "emperor"},
		{"user", "add", "Cyd", "--email", "cyd@example.org"}, // no terminal for the password
		{"user", "add", "Cyd"},
		{"user", "role", "Nobody", "admin"},
		{"user", "role", "Bob", "emperor"},
		{"user", "disable", "Nobody"},
		{"user", "frob"},
		{"user"},
	} {
		var exit *ExitError
		if _, err := runIn(t, "password-long-enough\n", append(bad, "--data", data)...); !errors.As(err, &exit) {
			t.Errorf("%v: err = %v, want an exit error", bad, err)
		}
	}
	if _, err := runIn(t, "short\n", "user", "add", "Cyd", "--email", "cyd@example.org", "--password-stdin", "--data", data); err == nil {
		t.Error("a short password was taken")
	}
	if out, err := runIn(t, "", "user", "role", "bob", "wrangler", "--data", data); err != nil || !strings.Contains(out, "Bob has the role wrangler.") {
		t.Errorf("user role: %q, %v", out, err)
	}
	if out, err := runIn(t, "", "user", "role", "Bob", "moderator", "--data", data); err != nil || !strings.Contains(out, "moderator") {
		t.Errorf("user role: %q, %v", out, err)
	}
	if out, err := runIn(t, "", "user", "role", "Bob", "moderator", "--remove", "--data", data); err != nil || !strings.Contains(out, "no longer has the role moderator") {
		t.Errorf("user role --remove: %q, %v", out, err)
	}
	if out, err := runIn(t, "", "user", "disable", "Bob", "--data", data); err != nil || !strings.Contains(out, "Bob is disabled") {
		t.Errorf("user disable: %q, %v", out, err)
	}
	out, err = runIn(t, "", "user", "list", "--json", "--data", data)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 {
		t.Fatalf("user list --json: %d lines:\n%s", len(lines), out)
	}
	var ada, bo struct {
		Name           string
		Email          string
		EmailConfirmed bool `json:"email_confirmed"`
		Roles          []string
		Disabled       bool
		PasswordHash   string
	}
	if err := json.Unmarshal([]byte(lines[0]), &ada); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(lines[1]), &bo); err != nil {
		t.Fatal(err)
	}
	if ada.Name != "Ada Admin" || !ada.EmailConfirmed || strings.Join(ada.Roles, ",") != "admin" || ada.Disabled ||
		bo.Name != "Bob" || strings.Join(bo.Roles, ",") != "wrangler" || !bo.Disabled || strings.Contains(out, "argon2") {
		t.Errorf("user list --json:\n%s", out)
	}
	if out, err := runIn(t, "", "user", "disable", "Bob", "--enable", "--data", data); err != nil || !strings.Contains(out, "Bob is enabled") {
		t.Errorf("user disable --enable: %q, %v", out, err)
	}
	out, err = runIn(t, "", "user", "list", "--data", data)
	if err != nil || !strings.Contains(out, "Ada Admin") || !strings.Contains(out, "ada@example.org") || !strings.Contains(out, "NAME") {
		t.Errorf("user list:\n%s", out)
	}
	if out, err := runIn(t, "", "user", "--help"); err != nil || !strings.Contains(out, "--role admin") {
		t.Errorf("user --help: %q", out)
	}
}
