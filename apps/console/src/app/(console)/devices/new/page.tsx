import Link from "next/link";
import { RegisterDeviceForm } from "@/components/devices/register-device-form";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageUser } from "@/server/auth/session";
import { registerDeviceAction } from "../actions";

export default async function NewDevicePage() {
  await requirePageUser("admin");
  return (
    <>
      <PageHeader
        title="Register a device"
        breadcrumb={
          <Link href="/devices" className="hover:underline">
            Devices
          </Link>
        }
        description="The console creates the device's credentials and gives them to you once, as a file."
      />
      <RegisterDeviceForm action={registerDeviceAction} />
    </>
  );
}
