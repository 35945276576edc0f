ALTER TABLE `rollouts` ADD `group_id` text REFERENCES device_groups(id) ON DELETE SET NULL;--> statement-breakpoint
ALTER TABLE `rollouts` ADD `priority` integer DEFAULT 0 NOT NULL;