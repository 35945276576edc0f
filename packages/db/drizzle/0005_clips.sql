CREATE TABLE `clips` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`device_id` text NOT NULL,
	`clip_id` text NOT NULL,
	`event_id` integer,
	`project_id` text,
	`at` integer NOT NULL,
	`pre_ms` integer NOT NULL,
	`post_ms` integer NOT NULL,
	`state` text NOT NULL,
	`sha256` text,
	`size` integer,
	`duration_ms` integer,
	`error_code` text,
	`error_message` text,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `clips_device_clip` ON `clips` (`device_id`,`clip_id`);--> statement-breakpoint
CREATE INDEX `clips_event` ON `clips` (`event_id`);--> statement-breakpoint
CREATE INDEX `clips_device_created` ON `clips` (`device_id`,`created_at`);