import { Migration } from '@mikro-orm/migrations';

export class Migration20261202043000_boot_task extends Migration {

  override name = 'Migration20261202043000_boot_task';

  override up(): void | Promise<void> {
    this.addSql(`create table "boot_task" ("name" varchar(255) not null, "done_at" timestamptz not null, primary key ("name"));`);

    // Creds and keys have been encrypted whenever they are written since encryption at rest exists;
    // only a database that already holds some can hold plaintext ones. Two index probes, not a scan.
    this.addSql(`insert into "boot_task" ("name", "done_at") select 'encrypt-legacy-auth-rows', now() where not exists (select 1 from "auth_key") and not exists (select 1 from "auth_creds");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "boot_task" cascade;`);
  }

}
