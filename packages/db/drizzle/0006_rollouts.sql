CREATE TABLE `rollout_devices` (
	`rollout_id` text NOT NULL,
	`device_id` text NOT NULL,
	`position` integer NOT NULL,
	`state` text DEFAULT 'pending' NOT NULL,
	`batch` integer,
	`deployment_id` text,
	`previous_version` integer,
	`rollback_deployment_id` text,
	`reason` text,
	`notified_at` integer,
	`finished_at` integer,
	PRIMARY KEY(`rollout_id`, `device_id`),
	FOREIGN KEY (`rollout_id`) REFERENCES `rollouts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`device_id`) REFERENCES `devices`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `rollout_devices_order` ON `rollout_devices` (`rollout_id`,`position`);--> statement-breakpoint
CREATE TABLE `rollouts` (
	`id` text PRIMARY KEY NOT NULL,
	`project_id` text NOT NULL,
	`project_version` integer NOT NULL,
	`state` text DEFAULT 'rolling' NOT NULL,
	`params` text NOT NULL,
	`abort_reason` text,
	`created_by` text,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	`updated_at` integer,
	`lease_owner` text,
	`lease_until` integer,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
ALTER TABLE `deployments` ADD `soak_seconds` integer;--> statement-breakpoint
ALTER TABLE `deployments` ADD `min_fps_ratio` real;--> statement-breakpoint
ALTER TABLE `deployments` ADD `soak` text;