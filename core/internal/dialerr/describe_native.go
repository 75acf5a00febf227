//go:build !js

package dialerr

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"
)

// Describe says in a few words why a native dial to a kind (WebSocket or
// HTTP) server failed, and what to check.
func Describe(kind string, err error) string {
	var dns *net.DNSError
	var cert *tls.CertificateVerificationError
	var unknownAuth x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var rec tls.RecordHeaderError
	var ne net.Error
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return Refused(kind)
	case errors.As(err, &dns):
		if dns.IsNotFound {
			return "host " + dns.Name + " not found (check the host name)"
		}
		return "looking up host " + dns.Name + " failed: " + dns.Err
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return "host unreachable (check the address and the network)"
	case errors.Is(err, context.Canceled):
		return "cancelled"
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return "no answer in time (is the address right, or does a firewall drop the packets?)"
	case errors.As(err, &rec), strings.Contains(err.Error(), "HTTP response to HTTPS client"):
		// The second is net/http's wording of the same record error.
		return "the server does not speak TLS (use " + plain(kind) + "://, not " + plain(kind) + "s://)"
	case errors.As(err, &hostname), errors.As(err, &unknownAuth), errors.As(err, &cert):
		return "TLS certificate not accepted: " + innermost(err)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, syscall.ECONNRESET),
		strings.Contains(err.Error(), serverClosedIdle):
		return closedMsg
	}
	return innermost(err)
}

// serverClosedIdle is net/http's (unexported) error for a connection the
// server closed before the request was written: a server that closes at
// once, seen a moment earlier than as io.EOF.
const serverClosedIdle = "http: server closed idle connection"

// innermost returns the message of the deepest error of err's chain that
// says something, without the layers of the libraries above it.
func innermost(err error) string {
	msg := err.Error()
	for {
		next := errors.Unwrap(err)
		if next == nil {
			break
		}
		err = next
		if s := err.Error(); s != "" {
			msg = s
		}
	}
	msg = strings.TrimPrefix(msg, "failed to WebSocket dial: ")
	return msg
}

// cause returns the cause to keep in a dial error's chain: natively the
// error itself, which already matches syscall errors.
func cause(err error) error { return err }
