import { Migration } from '@mikro-orm/migrations';

export class Migration20261202074000_broadcast extends Migration {

  override name = 'Migration20261202074000_broadcast';

  override up(): void | Promise<void> {
    this.addSql(`create table "broadcast" ("id" uuid not null, "instance_id" uuid not null, "idempotency_key" varchar(255) null, "total" int not null, "cancelled_at" timestamptz null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "broadcast" add constraint "broadcast_instance_id_idempotency_key_unique" unique ("instance_id", "idempotency_key");`);
    this.addSql(`alter table "broadcast" add constraint "broadcast_instance_id_foreign" foreign key ("instance_id") references "instance" ("id") on delete cascade;`);

    this.addSql(`alter table "message" add column "broadcast_id" uuid null;`);
    this.addSql(`create index "message_broadcast_id_index" on "message" ("broadcast_id");`);
    this.addSql(`alter table "message" add constraint "message_broadcast_id_foreign" foreign key ("broadcast_id") references "broadcast" ("id") on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "message" drop constraint "message_broadcast_id_foreign";`);
    this.addSql(`alter table "message" drop column "broadcast_id";`);
    this.addSql(`drop table if exists "broadcast" cascade;`);
  }

}
