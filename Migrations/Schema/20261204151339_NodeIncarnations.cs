using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PairDb.Migrations.Schema
{
    /// <summary>
    /// storage_nodes learns each node's incarnation (the life of its data whose dots it mints now) and the
    /// ones it replaced, so a coordinator refuses a node that answers with an incarnation already retired.
    /// </summary>
    public partial class NodeIncarnations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "incarnation",
                table: "storage_nodes",
                type: "character varying(32)",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "incarnation_since",
                table: "storage_nodes",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string[]>(
                name: "retired_incarnations",
                table: "storage_nodes",
                type: "text[]",
                nullable: false,
                defaultValueSql: "'{}'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "incarnation",
                table: "storage_nodes");

            migrationBuilder.DropColumn(
                name: "incarnation_since",
                table: "storage_nodes");

            migrationBuilder.DropColumn(
                name: "retired_incarnations",
                table: "storage_nodes");
        }
    }
}
