package cli

import (
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/spf13/cobra"
)

// healthcheckCmd GETs a readiness URL and exits 0 on 200, 1 otherwise. It
// is the container HEALTHCHECK: a distroless image has no curl or wget. It
// reads no configuration and opens no database, so it costs one request.
func healthcheckCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "healthcheck", Short: "GET --url (default /readyz on 127.0.0.1:8080); exit 0 on 200, 1 otherwise", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			url, _ := cmd.Flags().GetString("url")
			timeout, _ := cmd.Flags().GetDuration("timeout")
			client := &http.Client{Timeout: timeout}
			resp, err := client.Get(url)
			if err != nil {
				return fmt.Errorf("healthcheck: %w", err)
			}
			defer resp.Body.Close()
			io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
			if resp.StatusCode != http.StatusOK {
				return fmt.Errorf("healthcheck: %s answered %s", url, resp.Status)
			}
			return nil
		}}
	cmd.Flags().String("url", "http://127.0.0.1:8080/readyz", "readiness URL to GET")
	cmd.Flags().Duration("timeout", 3*time.Second, "give up after this long")
	return cmd
}
