-- E-mail addresses (issue 14): from this version the importer masks every
-- address in the fields it derives from a file (package privacy) before it
-- stores a work. Works stored before hold them unmasked. The rules are Go
-- code, so this migration only asks for them: Open runs each task named
-- here once, after every SQL migration, and deletes its row in the
-- transaction that does the work (maskStoredAddresses, mask_addresses.go).
-- A later change to the rules can ask again by inserting the row again.
CREATE TABLE pending_data_migrations (
	name TEXT PRIMARY KEY
);
INSERT INTO pending_data_migrations (name) VALUES ('mask-addresses');
