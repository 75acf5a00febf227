// Command demo runs the gojanus demo with real media on one machine: it
// must run inside a new network namespace (the mage demo target starts it
// with unshare -n), where it creates the veth pair, starts a Janus from
// testdata/janus that gathers ICE candidates on it, and runs
// "gojanus demo --media" against that Janus.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"syscall"

	"github.com/gojanus/gojanus/internal/janusserver"
	"github.com/gojanus/gojanus/internal/netns"
)

func main() {
	gojanus := flag.String("gojanus", "bin/gojanus", "the gojanus command to run")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *gojanus); err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, gojanus string) error {
	if err := netns.Setup(); err != nil {
		return fmt.Errorf("network namespace: %w", err)
	}
	srv, err := janusserver.Start(ctx, janusserver.Options{ICEEnforceList: netns.Interface})
	if err != nil {
		return err
	}
	defer srv.Stop()
	fmt.Printf("Started Janus %s in a private network namespace: API %s, admin API %s, media on %s (%s)\n",
		srv.Version, srv.WSURL, srv.AdminWSURL, netns.Interface, netns.Addr)
	cmd := exec.CommandContext(ctx, gojanus, "demo", "--server", srv.WSURL, "--admin-server", srv.AdminWSURL,
		"--admin-secret", srv.AdminSecret, "--media", "--ice-interface", netns.Interface)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		fmt.Fprintf(os.Stderr, "--- last lines of the Janus log ---\n%s\n", srv.LogTail(30))
		return err
	}
	return nil
}
