// Command renova is the token service: see `renova --help`.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/renova-auth/renova/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Execute(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
