package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"golang.org/x/term"

	"fanarchive"
	"fanarchive/internal/auth"
)

// userCommand manages accounts from the command line: above all, making the
// first admin, who then grants roles on the site's /admin/users page.
func (m *Main) userCommand(ctx context.Context, args []string) error {
	usage := func(w io.Writer) {
		fmt.Fprintf(w, "Usage: fanarchive user <subcommand> [flags] [arguments]\n\nSubcommands:\n"+
			"  add NAME --email ADDRESS [--password-stdin] [--role ROLE]   make an account, its address confirmed\n"+
			"  role NAME ROLE [--remove]                                  grant (or revoke) admin, archivist, moderator or wrangler\n"+
			"  disable NAME [--enable]                                    disable an account (its sessions end), or enable it\n"+
			"  list [--json]                                              list the accounts\n\n"+
			"To make the first admin: fanarchive user add NAME --email ADDRESS --role admin\n")
	}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		if len(args) == 0 {
			usage(m.Stderr)
			return &ExitError{Code: ExitUsage, Err: errors.New("user needs a subcommand"), Silent: true}
		}
		usage(m.Stdout)
		return nil
	}
	switch args[0] {
	case "add":
		return m.userAdd(ctx, args[1:])
	case "role":
		return m.userRole(ctx, args[1:])
	case "disable":
		return m.userDisable(ctx, args[1:])
	case "list":
		return m.userList(ctx, args[1:])
	}
	usage(m.Stderr)
	return &ExitError{Code: ExitUsage, Err: fmt.Errorf("unknown user subcommand %q", args[0])}
}

// interleaved lets flags follow the positional arguments (user add NAME
// --email E), which the flag package alone does not.
func interleaved(args []string, valued map[string]bool) (flags, positional []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			return flags, append(positional, args[i+1:]...)
		case strings.HasPrefix(a, "-") && a != "-":
			flags = append(flags, a)
			name := strings.TrimLeft(a, "-")
			if valued[name] && !strings.Contains(name, "=") && i+1 < len(args) {
				i++
				flags = append(flags, args[i])
			}
		default:
			positional = append(positional, a)
		}
	}
	return flags, positional
}

func (m *Main) userAdd(ctx context.Context, args []string) error {
	fs := m.flagSet("user add", "NAME --email ADDRESS", "Make an account whose address is confirmed at once, e.g. the first admin. The password is\n"+
		"asked for on the terminal, or read from the first line of standard input with --password-stdin.")
	data := m.dataFlag(fs)
	email := fs.String("email", "", "the account's e-mail `address` (required)")
	stdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input")
	role := fs.String("role", "", "grant this `role`: admin, archivist, moderator or wrangler")
	flags, pos := interleaved(args, map[string]bool{"email": true, "role": true, "data": true})
	if done, err := m.parse(fs, flags); done {
		return err
	}
	if len(pos) != 1 || *email == "" {
		fs.Usage()
		return &ExitError{Code: ExitUsage, Err: errors.New("user add needs one NAME and --email")}
	}
	u := &fanarchive.User{Name: pos[0], Email: *email, EmailConfirmed: true, Roles: []fanarchive.Role{}}
	if *role != "" {
		if !fanarchive.Role(*role).Valid() {
			return &ExitError{Code: ExitUsage, Err: fmt.Errorf("there is no role %q; roles are admin, archivist, moderator and wrangler", *role)}
		}
		u.Roles = append(u.Roles, fanarchive.Role(*role))
	}
	if err := fanarchive.ValidateUserName(u.Name); err != nil {
		return &ExitError{Code: ExitUsage, Err: errors.New(fanarchive.ErrorMessage(err))}
	}
	if _, err := fanarchive.ValidateEmail(u.Email); err != nil {
		return &ExitError{Code: ExitUsage, Err: errors.New(fanarchive.ErrorMessage(err))}
	}
	pw, err := m.readPassword(*stdin)
	if err != nil {
		return err
	}
	if err := fanarchive.ValidatePassword(pw); err != nil {
		return &ExitError{Code: ExitUsage, Err: errors.New(fanarchive.ErrorMessage(err))}
	}
	if u.PasswordHash, err = auth.NewHasher(auth.DefaultParams, 1).Hash(ctx, pw); err != nil {
		return err
	}
	store, err := m.openStore(ctx, *data, m.logger())
	if err != nil {
		return err
	}
	defer store.Close()
	if err := store.CreateUser(ctx, u, nil, nil); err != nil {
		if code := fanarchive.ErrorCode(err); code == fanarchive.ECONFLICT || code == fanarchive.EINVALID {
			return &ExitError{Code: ExitFailure, Err: errors.New(fanarchive.ErrorMessage(err))}
		}
		return err
	}
	fmt.Fprintf(m.Stdout, "Made account %d, %s <%s>", u.ID, u.Name, u.Email)
	if len(u.Roles) > 0 {
		fmt.Fprintf(m.Stdout, " with the role %s", u.Roles[0])
	}
	fmt.Fprintln(m.Stdout, "; it can log in now.")
	return nil
}

// readPassword reads a password from stdin's first line, or asks for it
// twice on the terminal without echo.
func (m *Main) readPassword(fromStdin bool) (string, error) {
	if fromStdin {
		line, err := bufio.NewReader(m.Stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return "", fmt.Errorf("read password: %w", err)
		}
		return strings.TrimRight(line, "\r\n"), nil
	}
	f, ok := m.Stdin.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return "", &ExitError{Code: ExitUsage, Err: errors.New("standard input is not a terminal: give the password with --password-stdin")}
	}
	fmt.Fprint(m.Stderr, "Password: ")
	a, err := term.ReadPassword(int(f.Fd()))
	fmt.Fprintln(m.Stderr)
	if err != nil {
		return "", fmt.Errorf("read password: %w", err)
	}
	fmt.Fprint(m.Stderr, "Password again: ")
	b, err := term.ReadPassword(int(f.Fd()))
	fmt.Fprintln(m.Stderr)
	if err != nil {
		return "", fmt.Errorf("read password: %w", err)
	}
	if string(a) != string(b) {
		return "", &ExitError{Code: ExitUsage, Err: errors.New("the two passwords are not the same")}
	}
	return string(a), nil
}

// findNamedUser opens the store and finds the account NAME.
func (m *Main) findNamedUser(ctx context.Context, data, name string) (fanarchive.Store, *fanarchive.User, error) {
	store, err := m.openStore(ctx, data, m.logger())
	if err != nil {
		return nil, nil, err
	}
	u, err := store.FindUserByName(ctx, name)
	if err != nil {
		store.Close()
		if fanarchive.ErrorCode(err) == fanarchive.ENOTFOUND {
			return nil, nil, &ExitError{Code: ExitFailure, Err: fmt.Errorf("there is no account %q", name)}
		}
		return nil, nil, err
	}
	return store, u, nil
}

func (m *Main) userRole(ctx context.Context, args []string) error {
	fs := m.flagSet("user role", "NAME ROLE", "Grant a role to an account (admin, archivist, moderator or wrangler), or revoke it with --remove.")
	data := m.dataFlag(fs)
	remove := fs.Bool("remove", false, "revoke the role instead")
	flags, pos := interleaved(args, map[string]bool{"data": true})
	if done, err := m.parse(fs, flags); done {
		return err
	}
	if len(pos) != 2 {
		fs.Usage()
		return &ExitError{Code: ExitUsage, Err: errors.New("user role needs NAME and ROLE")}
	}
	role := fanarchive.Role(pos[1])
	if !role.Valid() {
		return &ExitError{Code: ExitUsage, Err: fmt.Errorf("there is no role %q; roles are admin, archivist, moderator and wrangler", pos[1])}
	}
	store, u, err := m.findNamedUser(ctx, *data, pos[0])
	if err != nil {
		return err
	}
	defer store.Close()
	if err := store.SetRole(ctx, u.ID, role, !*remove); err != nil {
		return err
	}
	if *remove {
		fmt.Fprintf(m.Stdout, "%s no longer has the role %s.\n", u.Name, role)
	} else {
		fmt.Fprintf(m.Stdout, "%s has the role %s.\n", u.Name, role)
	}
	return nil
}

func (m *Main) userDisable(ctx context.Context, args []string) error {
	fs := m.flagSet("user disable", "NAME", "Disable an account: it cannot log in and its sessions end. --enable undoes it.")
	data := m.dataFlag(fs)
	enable := fs.Bool("enable", false, "enable the account again")
	flags, pos := interleaved(args, map[string]bool{"data": true})
	if done, err := m.parse(fs, flags); done {
		return err
	}
	if len(pos) != 1 {
		fs.Usage()
		return &ExitError{Code: ExitUsage, Err: errors.New("user disable needs one NAME")}
	}
	store, u, err := m.findNamedUser(ctx, *data, pos[0])
	if err != nil {
		return err
	}
	defer store.Close()
	if err := store.SetUserDisabled(ctx, u.ID, !*enable); err != nil {
		return err
	}
	if *enable {
		fmt.Fprintf(m.Stdout, "%s is enabled.\n", u.Name)
	} else {
		fmt.Fprintf(m.Stdout, "%s is disabled; its sessions have ended.\n", u.Name)
	}
	return nil
}

func (m *Main) userList(ctx context.Context, args []string) error {
	fs := m.flagSet("user list", "", "List the accounts by name: roles, whether the address is confirmed, whether disabled.")
	data := m.dataFlag(fs)
	asJSON := fs.Bool("json", false, "print one JSON object per account")
	if done, err := m.parse(fs, args); done {
		return err
	}
	if fs.NArg() > 0 {
		return &ExitError{Code: ExitUsage, Err: fmt.Errorf("user list takes no arguments, got %q", fs.Args())}
	}
	store, err := m.openStore(ctx, *data, m.logger())
	if err != nil {
		return err
	}
	defer store.Close()
	tw := tabwriter.NewWriter(m.Stdout, 0, 0, 2, ' ', 0)
	if !*asJSON {
		fmt.Fprintln(tw, "ID\tNAME\tE-MAIL\tCONFIRMED\tROLES\tDISABLED\tCREATED")
	}
	enc := json.NewEncoder(m.Stdout)
	for offset := 0; ; {
		users, total, err := store.FindUsers(ctx, offset, 500)
		if err != nil {
			return err
		}
		for _, u := range users {
			if *asJSON {
				if err := enc.Encode(u); err != nil {
					return err
				}
				continue
			}
			roles := make([]string, len(u.Roles))
			for i, r := range u.Roles {
				roles[i] = string(r)
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%v\t%s\t%v\t%s\n", u.ID, u.Name, u.Email, u.EmailConfirmed, strings.Join(roles, ","),
				u.Disabled, u.CreatedAt.Local().Format("2006-01-02 15:04"))
		}
		offset += len(users)
		if len(users) == 0 || offset >= total {
			break
		}
	}
	return tw.Flush()
}
