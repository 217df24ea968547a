// Command fanarchive is a self-hosted fan-fiction archive: it imports legacy
// story files and serves them on the web. Run `fanarchive help` for usage.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"fanarchive"
	"fanarchive/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := cli.New().Run(ctx, os.Args[1:])
	if err == nil {
		return
	}
	code := cli.ExitFailure
	var exit *cli.ExitError
	if errors.As(err, &exit) {
		code = exit.Code
		if exit.Silent {
			stop()
			os.Exit(code)
		}
	}
	msg := err.Error()
	if fanarchive.ErrorCode(err) != fanarchive.EINTERNAL {
		msg = fanarchive.ErrorMessage(err)
	}
	fmt.Fprintln(os.Stderr, "fanarchive:", msg)
	stop()
	os.Exit(code)
}
