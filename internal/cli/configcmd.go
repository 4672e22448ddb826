package cli

import (
	"github.com/spf13/cobra"

	"github.com/renova-auth/renova/internal/config"
)

// configCmd groups the configuration commands.
func configCmd() *cobra.Command {
	c := &cobra.Command{Use: "config", Short: "inspect the configuration"}
	c.AddCommand(configPrintCmd())
	return c
}

// configPrintCmd prints the effective configuration, each setting with the
// source of its value (default, file, env or flag), after the same
// validation a start does. The master secret and URL passwords are
// redacted, so the output can be pasted into a ticket.
func configPrintCmd() *cobra.Command {
	return &cobra.Command{Use: "print", Short: "print the effective configuration and where each value came from", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			vals, err := config.Effective(cmd.Flags())
			if err != nil {
				return err
			}
			rows := make([][]string, 0, len(vals))
			for _, v := range vals {
				rows = append(rows, []string{v.Key, v.Value, v.Source})
			}
			return print(cmd, vals, []string{"KEY", "VALUE", "SOURCE"}, rows)
		}}
}
