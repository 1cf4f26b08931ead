import { Migration } from '@mikro-orm/migrations';

export class Migration20261201073438_webhooks extends Migration {

  override name = 'Migration20261201073438_webhooks';

  override up(): void | Promise<void> {
    this.addSql(`create table "webhook_config" ("instance_id" uuid not null, "url" text not null, "secret" bytea not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("instance_id"));`);

    this.addSql(`create table "webhook_delivery" ("id" uuid not null, "instance_id" uuid not null, "url" text not null, "body" bytea not null, "attempts" int not null default 0, "next_attempt_at" timestamptz not null, "last_error" text null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "webhook_delivery_instance_id_index" on "webhook_delivery" ("instance_id");`);
    this.addSql(`create index "webhook_delivery_next_attempt_at_index" on "webhook_delivery" ("next_attempt_at");`);

    this.addSql(`alter table "webhook_config" add constraint "webhook_config_instance_id_foreign" foreign key ("instance_id") references "instance" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "webhook_delivery" add constraint "webhook_delivery_instance_id_foreign" foreign key ("instance_id") references "instance" ("id") on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "webhook_config" cascade;`);
    this.addSql(`drop table if exists "webhook_delivery" cascade;`);
  }

}
