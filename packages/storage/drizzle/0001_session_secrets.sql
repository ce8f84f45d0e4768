CREATE TABLE `session_secrets` (
	`session_id` text PRIMARY KEY NOT NULL,
	`encrypted_private_key` text NOT NULL,
	FOREIGN KEY (`session_id`) REFERENCES `sessions`(`id`) ON UPDATE no action ON DELETE no action
);
