package native_test

import (
	"context"
	"log"
	"time"

	"github.com/gojanus/gojanus/native"
)

// Publish the test pattern to a WHIP endpoint, and play a WHEP endpoint
// into a WebM file meanwhile, for ten seconds or until the server ends the
// playout. It returns its errors rather than calling log.Fatal, so that
// the deferred DELETEs run.
func ExampleWHIPPublish() {
	run := func(ctx context.Context) error {
		src, err := native.TestPatternSource(native.TestPatternOptions{})
		if err != nil {
			return err
		}
		pub, err := native.WHIPPublish(ctx, "https://example.com/whip/endpoint", src, native.WHIPOptions{Token: "s3cret"})
		if err != nil {
			return err // errors.Is(err, native.ErrWHIPUnauthorized)...
		}
		defer pub.Close(ctx) // DELETE
		go src.Run(ctx)

		rec, err := native.NewWebMRecorder("out.webm", true, true)
		if err != nil {
			return err
		}
		defer rec.Close() // the sink is the caller's: WHEPSession.Close does not close it
		play, err := native.WHEPPlay(ctx, "https://example.com/whep/endpoint", rec, native.WHEPOptions{WHIPOptions: native.WHIPOptions{Token: "s3cret"}})
		if err != nil {
			return err
		}
		defer play.Close(ctx) // DELETE
		select {
		case <-time.After(10 * time.Second):
		case <-play.Done():
		}
		return nil
	}
	if err := run(context.Background()); err != nil {
		log.Fatal(err)
	}
}
