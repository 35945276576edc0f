CREATE TABLE `device_groups` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`query` text,
	`created_by` text,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `device_groups_name_unique` ON `device_groups` (`name`);--> statement-breakpoint
CREATE TABLE `device_tags` (
	`device_id` text NOT NULL,
	`key` text NOT NULL,
	`value` text NOT NULL,
	PRIMARY KEY(`device_id`, `key`),
	FOREIGN KEY (`device_id`) REFERENCES `devices`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `device_tags_key_value` ON `device_tags` (`key`,`value`);--> statement-breakpoint
CREATE TABLE `group_deployments` (
	`id` text PRIMARY KEY NOT NULL,
	`group_id` text NOT NULL,
	`project_id` text NOT NULL,
	`project_version` integer NOT NULL,
	`priority` integer DEFAULT 0 NOT NULL,
	`created_by` text,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	FOREIGN KEY (`group_id`) REFERENCES `device_groups`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `group_deployments_group` ON `group_deployments` (`group_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `group_members` (
	`group_id` text NOT NULL,
	`device_id` text NOT NULL,
	`joined_at` integer NOT NULL,
	PRIMARY KEY(`group_id`, `device_id`),
	FOREIGN KEY (`group_id`) REFERENCES `device_groups`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`device_id`) REFERENCES `devices`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `group_members_device` ON `group_members` (`device_id`);--> statement-breakpoint
ALTER TABLE `deployments` ADD `group_deployment_id` text;--> statement-breakpoint
ALTER TABLE `devices` ADD `pinned_at` integer;--> statement-breakpoint
ALTER TABLE `devices` ADD `pinned_project_id` text;--> statement-breakpoint
ALTER TABLE `devices` ADD `pinned_version` integer;