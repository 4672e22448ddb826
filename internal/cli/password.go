package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// A password is never taken on the command line, where it would end up
// in the shell's history and in `ps` (issue 13). It comes from a file
// (--password-file, "-" for standard input: its first line), or from a
// prompt on the terminal that does not echo.

// passwordFlags adds --password-file (and, with prompt, --prompt-password)
// to cmd.
func passwordFlags(cmd *cobra.Command, prompt bool) {
	cmd.Flags().String("password-file", "", `read the password from the first line of this file ("-": standard input)`)
	if prompt {
		cmd.Flags().Bool("prompt-password", false, "ask for the password on the terminal (not echoed)")
	}
}

// readPassword returns the password cmd was given: from --password-file,
// or from the terminal when asked (--prompt-password) or when ask is set
// and standard input is a terminal. "" means none was given.
func readPassword(cmd *cobra.Command, ask bool) (string, error) {
	file, _ := cmd.Flags().GetString("password-file")
	prompt, _ := cmd.Flags().GetBool("prompt-password")
	switch {
	case file != "" && prompt:
		return "", errors.New("--password-file and --prompt-password go alone")
	case file == "-":
		return firstLine(cmd.InOrStdin(), "standard input")
	case file != "":
		f, err := os.Open(file)
		if err != nil {
			return "", fmt.Errorf("password file: %w", err)
		}
		defer f.Close()
		return firstLine(f, file)
	case prompt || (ask && stdinTerminal(cmd)):
		return promptPassword(cmd)
	}
	return "", nil
}

// firstLine reads the first line of r, without its line ending; an empty
// one is an error, not "no password".
func firstLine(r io.Reader, name string) (string, error) {
	line, err := bufio.NewReader(io.LimitReader(r, 4096)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password from %s: %w", name, err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", fmt.Errorf("the password from %s is empty", name)
	}
	return line, nil
}

// stdinTerminal reports whether cmd's standard input is a terminal.
func stdinTerminal(cmd *cobra.Command) bool {
	f, ok := cmd.InOrStdin().(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// promptPassword asks twice on the terminal, without echo.
func promptPassword(cmd *cobra.Command) (string, error) {
	f, _ := cmd.InOrStdin().(*os.File)
	if !stdinTerminal(cmd) {
		return "", errors.New("standard input is not a terminal: use --password-file FILE (or - for standard input)")
	}
	ask := func(label string) (string, error) {
		fmt.Fprint(cmd.ErrOrStderr(), label)
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(cmd.ErrOrStderr())
		return string(b), err
	}
	pw, err := ask("new password: ")
	if err != nil {
		return "", err
	}
	again, err := ask("again: ")
	if err != nil {
		return "", err
	}
	if pw != again {
		return "", errors.New("the two passwords differ")
	}
	if pw == "" {
		return "", errors.New("the password is empty")
	}
	return pw, nil
}
