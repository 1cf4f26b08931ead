import { Migration } from '@mikro-orm/migrations';

export class Migration20261202064250_contacts extends Migration {

  override name = 'Migration20261202064250_contacts';

  override up(): void | Promise<void> {
    this.addSql(`create table "contact" ("id" bigserial primary key, "instance_id" uuid not null, "phone_number" text null, "lid" text null, "name" text null, "push_name" text null, "verified_name" text null, "created_at" timestamptz not null, "updated_at" timestamptz not null);`);
    this.addSql(`alter table "contact" add constraint "contact_instance_id_phone_number_unique" unique ("instance_id", "phone_number");`);
    this.addSql(`alter table "contact" add constraint "contact_instance_id_lid_unique" unique ("instance_id", "lid");`);

    this.addSql(`alter table "contact" add constraint "contact_instance_id_foreign" foreign key ("instance_id") references "instance" ("id") on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "contact" cascade;`);
  }

}
