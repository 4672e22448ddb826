package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/renova-auth/renova/internal/auth"
	"github.com/renova-auth/renova/internal/server"
)

// importLine is one line of the NDJSON file of `renova sessions import`
// (docs/migration.md): a legacy refresh token or its SHA-256, its user
// and client, and its issue and expiry times (RFC 3339, optional).
type importLine struct {
	RefreshToken string    `json:"refresh_token"`
	TokenSHA256  string    `json:"token_sha256"`
	User         string    `json:"user"`
	Client       string    `json:"client"`
	IssuedAt     time.Time `json:"issued_at"`
	ExpiresAt    time.Time `json:"expires_at"`
}

// importResult counts what an import did.
type importResult struct {
	Imported   int `json:"imported"`
	Expired    int `json:"expired"`
	Duplicates int `json:"duplicates"`
}

// sessionsImportCmd adopts exported legacy sessions offline. The whole
// file is read and checked first, so a malformed line imports nothing.
func sessionsImportCmd() *cobra.Command {
	c := &cobra.Command{Use: "import FILE.ndjson", Short: "adopt exported legacy sessions offline (one JSON object a line)", Args: cobra.ExactArgs(1),
		RunE: withApp(func(cmd *cobra.Command, app *server.App, args []string) error {
			lines, err := readImport(args[0])
			if err != nil {
				return err
			}
			var res importResult
			for i, l := range lines {
				if err := importOne(cmd, app, l, &res); err != nil {
					return fmt.Errorf("%s: session %d: %w (%d imported before it)", args[0], i+1, err, res.Imported)
				}
			}
			if jsonOut(cmd) {
				return print(cmd, res, nil, nil)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "imported %d session(s); skipped %d expired, %d already known\n", res.Imported, res.Expired, res.Duplicates)
			return nil
		})}
	c.Flags().Bool("json", false, "print the counts as JSON")
	return c
}

// importOne imports one session and counts the outcome.
func importOne(cmd *cobra.Command, app *server.App, l importLine, res *importResult) error {
	_, err := app.Svc.ImportSession(cmd.Context(), auth.ImportedSession{RefreshToken: l.RefreshToken, TokenSHA256: l.TokenSHA256,
		User: l.User, Client: l.Client, IssuedAt: l.IssuedAt, ExpiresAt: l.ExpiresAt}, auth.Meta{})
	switch {
	case err == nil:
		res.Imported++
	case errors.Is(err, auth.ErrImportExpired):
		res.Expired++
	case errors.Is(err, auth.ErrImportDuplicate):
		res.Duplicates++
	default:
		return err
	}
	return nil
}

// readImport reads and checks every line; a line's number names it in
// an error, never its token.
func readImport(path string) ([]importLine, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []importLine
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var l importLine
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&l); err != nil {
			return nil, fmt.Errorf("%s line %d: not a session object (refresh_token|token_sha256, user, client, issued_at, expires_at)", path, n)
		}
		if (l.RefreshToken == "") == (l.TokenSHA256 == "") || l.User == "" || l.Client == "" {
			return nil, fmt.Errorf("%s line %d: needs exactly one of refresh_token and token_sha256, and user and client", path, n)
		}
		out = append(out, l)
	}
	return out, sc.Err()
}
