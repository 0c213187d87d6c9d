using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PairDb.Migrations.Schema
{
    /// <summary>
    /// hints learns each hint's uid (issue 15): the COPY and the local hint spool give every hint one, and the spool
    /// mover inserts with ON CONFLICT (hint_uid) DO NOTHING, so a hint a late COPY already stored is not stored twice.
    /// Rows from before get a random uid.
    /// </summary>
    public partial class HintUid : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "hint_uid",
                table: "hints",
                type: "uuid",
                nullable: false,
                defaultValueSql: "gen_random_uuid()");

            migrationBuilder.CreateIndex(
                name: "ux_hints_hint_uid",
                table: "hints",
                column: "hint_uid",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ux_hints_hint_uid",
                table: "hints");

            migrationBuilder.DropColumn(
                name: "hint_uid",
                table: "hints");
        }
    }
}
