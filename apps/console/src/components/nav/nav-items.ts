export type NavItem = { href: string; label: string; icon: string };

/** Icon paths are 24x24 outline strokes (drawn inline: nothing loads from the internet). */
export const navItems: NavItem[] = [
  { href: "/", label: "Dashboard", icon: "M3 12l9-8 9 8M5 10v10h5v-6h4v6h5V10" },
  { href: "/devices", label: "Devices", icon: "M4 7h16v10H4zM8 20h8M12 17v3M9 12a3 3 0 106 0 3 3 0 10-6 0" },
  { href: "/groups", label: "Groups", icon: "M3 7h7v7H3zM14 7h7v7h-7zM8.5 17h7v4h-7z" },
  { href: "/models", label: "Models", icon: "M12 3l8 4.5v9L12 21l-8-4.5v-9zM12 12l8-4.5M12 12v9M12 12L4 7.5" },
  { href: "/projects", label: "Projects", icon: "M4 5h6l2 2h8v12H4zM9 13l-2 2 2 2M15 13l2 2-2 2" },
  { href: "/deployments", label: "Deployments", icon: "M12 3v12M7 10l5 5 5-5M4 19h16" },
  { href: "/rollouts", label: "Rollouts", icon: "M4 18h4v-4h4v-4h4V6h4" },
  { href: "/people", label: "People", icon: "M12 11a4 4 0 100-8 4 4 0 000 8zM4 21a8 8 0 0116 0" },
  { href: "/rules", label: "Rules", icon: "M4 6h10M4 12h16M4 18h7M17 4v4M13 16v4" },
  { href: "/events", label: "Events", icon: "M12 7v5l3 3M12 21a9 9 0 110-18 9 9 0 010 18z" },
  { href: "/mqtt", label: "MQTT test client", icon: "M5 19a14 14 0 0114-14M5 13a8 8 0 018 8M5 7a20 20 0 0112 0M6 18h.01" },
  { href: "/settings", label: "Settings", icon: "M12 15a3 3 0 100-6 3 3 0 000 6zM19.4 15a1.7 1.7 0 00.3 1.8l.1.1a2 2 0 11-2.8 2.8l-.1-.1a1.7 1.7 0 00-1.8-.3 1.7 1.7 0 00-1 1.5V21a2 2 0 11-4 0v-.1a1.7 1.7 0 00-1.1-1.5 1.7 1.7 0 00-1.8.3l-.1.1a2 2 0 11-2.8-2.8l.1-.1a1.7 1.7 0 00.3-1.8 1.7 1.7 0 00-1.5-1H3a2 2 0 110-4h.1a1.7 1.7 0 001.5-1.1 1.7 1.7 0 00-.3-1.8l-.1-.1a2 2 0 112.8-2.8l.1.1a1.7 1.7 0 001.8.3H9a1.7 1.7 0 001-1.5V3a2 2 0 114 0v.1a1.7 1.7 0 001 1.5 1.7 1.7 0 001.8-.3l.1-.1a2 2 0 112.8 2.8l-.1.1a1.7 1.7 0 00-.3 1.8V9a1.7 1.7 0 001.5 1H21a2 2 0 110 4h-.1a1.7 1.7 0 00-1.5 1z" },
];

export function isActive(pathname: string, href: string): boolean {
  return href === "/" ? pathname === "/" : pathname === href || pathname.startsWith(`${href}/`);
}
