CREATE TABLE `people` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `people_name_unique` ON `people` (`name`);--> statement-breakpoint
CREATE TABLE `person_photos` (
	`id` text PRIMARY KEY NOT NULL,
	`person_id` text NOT NULL,
	`file_name` text NOT NULL,
	`sha256` text NOT NULL,
	`descriptor` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	FOREIGN KEY (`person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`sha256`) REFERENCES `artifacts`(`sha256`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `person_photos_person` ON `person_photos` (`person_id`);--> statement-breakpoint
ALTER TABLE `deployments` ADD `gallery_sha256` text REFERENCES artifacts(sha256);