package importer

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
)

// Collect expands the paths an archivist gave into the files to import:
// files as given, folders walked recursively in name order, skipping
// hidden files and folders (".git", ".DS_Store", an archive's own index
// files). The result is relative to the root file system "/" so one
// os.DirFS can read it; Display gives back the path as the archivist wrote
// it.
//
// A path that cannot be read (it does not exist, or a folder in it may not
// be listed) does not stop the others: it goes to Source.Unreadable, which
// Run reports as failed. Inside folders only regular files are read;
// symbolic links are not followed (a link may loop, or lead out of the
// folder the archivist chose) and, like devices, pipes and sockets, are
// listed in Source.Skipped with the reason. A path named on the command
// line is read through a link, since the archivist chose it. The error is
// only for a working directory that cannot be found.
func Collect(paths []string) (Source, error) {
	shown := map[string]string{}
	var names []string
	var unreadable, skipped []Skipped
	add := func(abs, display string) {
		name := strings.TrimPrefix(filepath.ToSlash(abs), "/")
		if _, dup := shown[name]; !dup {
			shown[name] = display
			names = append(names, name)
		}
	}
	for _, p := range paths {
		abs, err := filepath.Abs(p)
		if err != nil {
			return Source{}, fmt.Errorf("resolve %s: %w", p, err)
		}
		info, err := os.Stat(abs)
		if err != nil {
			unreadable = append(unreadable, Skipped{Path: p, Reason: statReason(abs, err)})
			continue
		}
		if !info.IsDir() {
			add(abs, p)
			continue
		}
		var found []string
		shownIn := func(path string) string {
			rel, _ := filepath.Rel(abs, path)
			return filepath.Join(p, rel)
		}
		// The walk reports a folder it cannot list and goes on with the
		// rest; it never returns an error of its own.
		_ = filepath.WalkDir(abs, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				unreadable = append(unreadable, Skipped{Path: shownIn(path), Reason: statReason(path, err)})
				if d != nil && d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if path != abs && strings.HasPrefix(d.Name(), ".") {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			switch t := d.Type(); {
			case t.IsRegular():
				found = append(found, path)
			case t&fs.ModeSymlink != 0:
				skipped = append(skipped, Skipped{Path: shownIn(path), Reason: linkReason(path)})
			case !t.IsDir():
				skipped = append(skipped, Skipped{Path: shownIn(path), Reason: "not a regular file (" + fileKind(t) + ")"})
			}
			return nil
		})
		sort.Strings(found)
		for _, f := range found {
			add(f, shownIn(f))
		}
	}
	return Source{
		FS:         os.DirFS("/"),
		Names:      names,
		Display:    func(name string) string { return shown[name] },
		Unreadable: unreadable,
		Skipped:    skipped,
	}, nil
}

// statReason says why a path cannot be read, in the archivist's words.
func statReason(path string, err error) string {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "no such file or folder"
	case errors.Is(err, fs.ErrPermission):
		return "permission denied"
	case errors.Is(err, syscall.ELOOP):
		return "a symbolic link that loops"
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// linkReason says what a symbolic link inside a folder leads to, and that
// it was not followed.
func linkReason(path string) string {
	target, err := os.Readlink(path)
	if err != nil {
		return "symbolic link, not followed"
	}
	if _, err := os.Stat(path); err != nil {
		if errors.Is(err, syscall.ELOOP) {
			return "symbolic link that loops (" + target + "), not followed"
		}
		return "symbolic link to " + target + ", which cannot be read (" + statReason(path, err) + ")"
	}
	return "symbolic link to " + target + ", not followed: name its target to import it"
}

// fileKind names a special file's type.
func fileKind(t fs.FileMode) string {
	switch {
	case t&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case t&fs.ModeSocket != 0:
		return "a socket"
	case t&fs.ModeDevice != 0:
		return "a device"
	}
	return "a special file"
}
