import { Migration } from '@mikro-orm/migrations';

export class Migration20261122023656_initial extends Migration {

  override name = 'Migration20261122023656_initial';

  override up(): void | Promise<void> {
    this.addSql(`create table "instance" ("id" uuid not null, "name" varchar(255) not null, "status" varchar(255) not null default 'CREATED', "phone_number" varchar(255) null, "jid" varchar(255) null, "lid" varchar(255) null, "push_name" varchar(255) null, "last_error" text null, "connected_at" timestamptz null, "owner_id" varchar(255) null, "group_label" varchar(255) null, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "instance" add constraint "instance_name_unique" unique ("name");`);
    this.addSql(`create index "instance_owner_id_index" on "instance" ("owner_id");`);

    this.addSql(`create table "auth_key" ("instance_id" uuid not null, "type" varchar(255) not null, "key_id" text not null, "value" bytea not null, primary key ("instance_id", "type", "key_id"));`);

    this.addSql(`create table "auth_creds" ("instance_id" uuid not null, "value" bytea not null, "updated_at" timestamptz not null, primary key ("instance_id"));`);

    this.addSql(`alter table "auth_key" add constraint "auth_key_instance_id_foreign" foreign key ("instance_id") references "instance" ("id") on delete cascade;`);

    this.addSql(`alter table "auth_creds" add constraint "auth_creds_instance_id_foreign" foreign key ("instance_id") references "instance" ("id") on update cascade on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "auth_key" drop constraint "auth_key_instance_id_foreign";`);
    this.addSql(`alter table "auth_creds" drop constraint "auth_creds_instance_id_foreign";`);

    this.addSql(`drop table if exists "instance" cascade;`);
    this.addSql(`drop table if exists "auth_key" cascade;`);
    this.addSql(`drop table if exists "auth_creds" cascade;`);
  }

}
