import { Migration } from '@mikro-orm/migrations';

export class Migration20261122031502_accounts extends Migration {

  override name = 'Migration20261122031502_accounts';

  override up(): void | Promise<void> {
    this.addSql(`create table "app_user" ("id" uuid not null, "username" varchar(255) not null, "password_hash" text not null, "role" varchar(255) not null default 'USER', "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "app_user" add constraint "app_user_username_unique" unique ("username");`);

    this.addSql(`create table "refresh_token" ("id" uuid not null, "user_id" uuid not null, "token_hash" varchar(255) not null, "family" uuid not null, "expires_at" timestamptz not null, "revoked_at" timestamptz null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "refresh_token_user_id_index" on "refresh_token" ("user_id");`);
    this.addSql(`alter table "refresh_token" add constraint "refresh_token_token_hash_unique" unique ("token_hash");`);
    this.addSql(`create index "refresh_token_family_index" on "refresh_token" ("family");`);

    this.addSql(`create table "instance_grant" ("user_id" uuid not null, "instance_id" uuid not null, "created_at" timestamptz not null, primary key ("user_id", "instance_id"));`);
    this.addSql(`create index "instance_grant_instance_id_index" on "instance_grant" ("instance_id");`);

    this.addSql(`create table "api_key" ("id" uuid not null, "user_id" uuid not null, "name" varchar(255) not null, "key_hash" varchar(255) not null, "prefix" varchar(255) not null, "created_at" timestamptz not null, "last_used_at" timestamptz null, "revoked_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "api_key_user_id_index" on "api_key" ("user_id");`);
    this.addSql(`alter table "api_key" add constraint "api_key_key_hash_unique" unique ("key_hash");`);

    this.addSql(`alter table "refresh_token" add constraint "refresh_token_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on delete cascade;`);

    this.addSql(`alter table "instance_grant" add constraint "instance_grant_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "instance_grant" add constraint "instance_grant_instance_id_foreign" foreign key ("instance_id") references "instance" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "api_key" add constraint "api_key_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "refresh_token" drop constraint "refresh_token_user_id_foreign";`);
    this.addSql(`alter table "instance_grant" drop constraint "instance_grant_user_id_foreign";`);
    this.addSql(`alter table "api_key" drop constraint "api_key_user_id_foreign";`);

    this.addSql(`drop table if exists "app_user" cascade;`);
    this.addSql(`drop table if exists "refresh_token" cascade;`);
    this.addSql(`drop table if exists "instance_grant" cascade;`);
    this.addSql(`drop table if exists "api_key" cascade;`);
  }

}
