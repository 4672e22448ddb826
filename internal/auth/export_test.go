package auth

// SetMaxImportUsers lowers the bound on the users of one import for a
// test, so that the bound is tested without 10^5 lines; it returns the
// function that restores it.
func SetMaxImportUsers(n int) (restore func()) {
	old := maxImportUsers
	maxImportUsers = n
	return func() { maxImportUsers = old }
}
